import { writeFile } from 'node:fs/promises';
import { toEmulatorTenant } from '../../src/cli/runtime';
import type { RateLimit } from '../../src/config/rate';
import { startEmulator, type Emulator, type EmulatorFaults } from '../../src/emulator';
import { asTenant, type BenchTenant } from './tenants';

/** A fresh emulator (no apps yet) that knows the bench tenants, with the given limit and quota. */
export function benchEmulator(
  tenants: BenchTenant[],
  options: { rate: RateLimit | false; quota: number; faults?: EmulatorFaults },
): Promise<Emulator> {
  return startEmulator({
    rate: options.rate,
    defaultQuota: options.quota,
    tenants: tenants.map((t) => toEmulatorTenant(asTenant(t, options.quota))),
    ...(options.faults ? { faults: options.faults } : {}),
  });
}

/** The tenants list for worker children (`WorkerChildConfig.tenantsFile`). */
export async function writeTenantList(path: string, tenants: BenchTenant[]): Promise<string> {
  await writeFile(path, JSON.stringify(tenants));
  return path;
}

/** Sum of one status over every tenant the emulator has seen. */
export function countStatus(emulator: Emulator, status: string): number {
  let n = 0;
  for (const t of Object.values(emulator.stats().tenants)) n += t.byStatus[status] ?? 0;
  return n;
}
