import { readFile } from 'node:fs/promises';
import { ConfigError } from '../domain/errors';

/**
 * Reads apps that already exist, `{"tenants": {"acme": ["name", …]}}`, for `preload`.
 * Throws ConfigError naming the file and what is wrong.
 */
export async function loadStateFile(path: string): Promise<Record<string, string[]>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`${path}: cannot read the emulator state file`, { cause });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`${path}: not valid JSON`, { cause });
  }
  const tenants = (data as { tenants?: unknown } | null)?.tenants;
  if (typeof tenants !== 'object' || tenants === null || Array.isArray(tenants)) {
    throw new ConfigError(`${path}: expected {"tenants": {"<tenant id>": ["<app name>", …]}}`);
  }
  const out: Record<string, string[]> = {};
  for (const [tenant, names] of Object.entries(tenants as Record<string, unknown>)) {
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
      throw new ConfigError(`${path}: tenants.${tenant} must be a list of app names (strings)`);
    }
    out[tenant] = names;
  }
  return out;
}
