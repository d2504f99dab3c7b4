import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTenants } from '../../src/config/tenants';
import { toEmulatorTenant } from '../../src/cli/runtime';
import type { EmulatorTenant } from '../../src/emulator';

export interface Fixture {
  dir: string;
  tenantsPath: string;
  inputPath: string;
  emulatorTenants: EmulatorTenant[];
  tenantIds: string[];
  names: string[];
}

/** A tenants file (AK/SK per tenant) and a CSV of `perTenant` names for each, in a temp dir. */
export async function writeFixture(
  tenants: number,
  perTenant: number,
  tenantExtra: Record<string, unknown> = {},
): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'rtcp-fx-'));
  const tenantIds = Array.from({ length: tenants }, (_, i) => `t${String(i).padStart(3, '0')}`);
  const json = {
    tenants: Object.fromEntries(
      tenantIds.map((id) => [
        id,
        { ak: `AK_${id}`, sk: `SK_${id}`, projectId: `proj-${id}`, ...tenantExtra },
      ]),
    ),
  };
  const tenantsPath = join(dir, 'tenants.json');
  await writeFile(tenantsPath, JSON.stringify(json));
  const rows = tenantIds.flatMap((t) =>
    Array.from({ length: perTenant }, (_, i) => `${t},${t}-app-${String(i).padStart(4, '0')}`),
  );
  const inputPath = join(dir, 'rows.csv');
  await writeFile(inputPath, ['tenant,app_name', ...rows].join('\n') + '\n');
  return {
    dir,
    tenantsPath,
    inputPath,
    emulatorTenants: [...parseTenants(json).values()].map(toEmulatorTenant),
    tenantIds,
    names: rows.map((r) => r.split(',')[1]!),
  };
}
