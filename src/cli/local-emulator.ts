import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Settings } from '../config/settings';
import { credentialsFromEnv, type TenantsFile } from '../config/tenants';
import { parseFaults } from './emulator-flags';
import type { CliIo } from './io';
import { emulatorTenantSource, tenantSource, type TenantSource } from './runtime';
import { loadStateFile, startEmulator, type Emulator, type EmulatorFaults } from '../emulator';

export interface LocalEmulatorOptions {
  /** Apps that already exist; default: `existing-apps.json` beside the input, when present. */
  statePath?: string;
  faults?: EmulatorFaults;
}

/** The `--emulator` demo API for an input file, with the same limits the settings give the client. */
export async function startLocalEmulator(
  file: string,
  options: LocalEmulatorOptions,
  settings: Pick<Settings, 'rate' | 'quota'>,
): Promise<Emulator> {
  const sibling = resolve(file, '..', 'existing-apps.json');
  const statePath = options.statePath ?? (existsSync(sibling) ? sibling : undefined);
  const preload = statePath ? await loadStateFile(statePath) : undefined;
  return startEmulator({
    rate: settings.rate,
    defaultQuota: settings.quota,
    ...(preload ? { preload } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
  });
}

/** Where a command's calls go: the in-process emulator (`--emulator`), or the configured API. */
export interface Target {
  emulator?: Emulator;
  source: TenantSource;
  endpoint: string;
  iamEndpoint: string;
}

export async function openTarget(
  file: string,
  flags: { emulator?: boolean; emulatorState?: string; emulatorFaults?: string },
  settings: Settings,
  tenantsFile: TenantsFile | undefined,
  io: CliIo,
): Promise<Target> {
  if (!flags.emulator) {
    return {
      source: tenantSource(tenantsFile, credentialsFromEnv(io.env)),
      endpoint: settings.endpoint,
      iamEndpoint: settings.iamEndpoint,
    };
  }
  const faults = parseFaults(flags.emulatorFaults);
  const emulator = await startLocalEmulator(
    file,
    {
      ...(flags.emulatorState ? { statePath: flags.emulatorState } : {}),
      ...(faults ? { faults } : {}),
    },
    settings,
  );
  io.logger.info(`emulator listening on ${emulator.url}`);
  return {
    emulator,
    source: emulatorTenantSource(emulator, tenantsFile),
    endpoint: emulator.url,
    iamEndpoint: emulator.url,
  };
}
