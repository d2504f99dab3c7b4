import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Tenant } from '../../src/config/tenants';
import { tenantId } from './inputs';

export interface BenchTenant {
  id: string;
  ak: string;
  sk: string;
  projectId: string;
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex');

/** AK/SK credentials derived from the id, so parent, children and emulator agree without sharing state. */
export function benchTenants(count: number): BenchTenant[] {
  return Array.from({ length: count }, (_, i) => {
    const id = tenantId(i);
    return {
      id,
      ak: `AK${hash(`ak:${id}`).slice(0, 18).toUpperCase()}`,
      sk: hash(`sk:${id}`).slice(0, 40),
      projectId: hash(`project:${id}`).slice(0, 32),
    };
  });
}

export function asTenant(t: BenchTenant, quota: number): Tenant {
  return {
    id: t.id,
    quota,
    credentials: { type: 'aksk', ak: t.ak, sk: t.sk, projectId: t.projectId },
  };
}

/** A tenants file for the CLI (`--tenants`), with the given quota on every tenant. */
export async function writeTenantsFile(
  path: string,
  tenants: BenchTenant[],
  quota: number,
): Promise<void> {
  const entries = Object.fromEntries(
    tenants.map((t) => [t.id, { ak: t.ak, sk: t.sk, projectId: t.projectId, quota }]),
  );
  await writeFile(path, JSON.stringify({ tenants: entries }, null, 1));
}
