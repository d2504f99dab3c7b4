import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Settings } from '../config/settings';
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
