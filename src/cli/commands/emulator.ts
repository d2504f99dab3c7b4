import { loadTenantsFile } from '../../config/tenants';
import { parseRate } from '../../config/rate';
import { ConfigError } from '../../domain/errors';
import { loadStateFile, startEmulator } from '../../emulator';
import { parseFaults } from '../emulator-flags';
import { print, type CliIo } from '../io';
import { toEmulatorTenant } from '../runtime';

export interface EmulatorFlags {
  port?: string;
  host?: string;
  tenants?: string;
  state?: string;
  rate?: string;
  quota?: string;
  faults?: string;
}

/** `emulator`: the local stand-in for the RTC API, until SIGINT/SIGTERM. */
export async function emulatorCommand(flags: EmulatorFlags, io: CliIo): Promise<number> {
  const port = flags.port ? Number(flags.port) : 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`--port must be 0–65535 (got ${flags.port})`);
  const tenants = flags.tenants
    ? [...(await loadTenantsFile(flags.tenants, io.env)).values()].map(toEmulatorTenant)
    : [];
  const quota = flags.quota ? Number(flags.quota) : undefined;
  if (quota !== undefined && !(Number.isInteger(quota) && quota > 0))
    throw new ConfigError('--quota must be a positive integer');
  const faults = parseFaults(flags.faults);
  const emulator = await startEmulator({
    host: flags.host ?? '127.0.0.1',
    port,
    tenants,
    ...(flags.rate ? { rate: flags.rate === 'off' ? false : parseRate(flags.rate, '--rate') } : {}),
    ...(quota ? { defaultQuota: quota } : {}),
    ...(flags.state ? { preload: await loadStateFile(flags.state) } : {}),
    ...(faults ? { faults } : {}),
  });
  print(
    io,
    `emulator listening on ${emulator.url} (${tenants.length} tenants; stats at ${emulator.url}/_emulator/stats)`,
  );
  await new Promise<void>((resolve) =>
    io.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  await emulator.close();
  return 0;
}
