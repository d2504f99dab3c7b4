/** Header names (trimmed, case-insensitive) that mean "the app name", in order of preference. */
export const APP_NAME_ALIASES = ['app_name', 'name', 'app name', 'appname', 'app-name'] as const;
export const TENANT_COLUMN = 'tenant';

function normalize(header: string): string {
  return header.trim().toLowerCase();
}

/** Where the app name, the tenant and the pass-through values sit in a list of header names. */
export interface ColumnMap {
  appName: number;
  tenant: number | undefined;
  /** Index → key in `extra` (the trimmed header text). */
  extra: Array<[number, string]>;
}

/** Maps header names to roles; `undefined` when no header names the app name column. */
export function mapColumns(headers: readonly string[]): ColumnMap | undefined {
  const normalized = headers.map(normalize);
  const appName = preferredIndex(normalized);
  if (appName === undefined) return undefined;
  const tenantIndex = normalized.indexOf(TENANT_COLUMN);
  const tenant = tenantIndex === -1 ? undefined : tenantIndex;
  const extra: Array<[number, string]> = [];
  headers.forEach((header, index) => {
    if (index !== appName && index !== tenant) extra.push([index, header.trim()]);
  });
  return { appName, tenant, extra };
}

/** True when a header names the app name or the tenant (used to tell a header from a name). */
export function isKnownColumn(header: string): boolean {
  const h = normalize(header);
  return h === TENANT_COLUMN || (APP_NAME_ALIASES as readonly string[]).includes(h);
}

/** The key of an object that holds the app name, by alias preference. */
export function appNameKey(keys: readonly string[]): string | undefined {
  const index = preferredIndex(keys.map(normalize));
  return index === undefined ? undefined : keys[index];
}

export function isTenantKey(key: string): boolean {
  return normalize(key) === TENANT_COLUMN;
}

function preferredIndex(normalized: readonly string[]): number | undefined {
  for (const alias of APP_NAME_ALIASES) {
    const index = normalized.indexOf(alias);
    if (index !== -1) return index;
  }
  return undefined;
}
