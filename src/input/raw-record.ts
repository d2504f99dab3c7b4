import { appNameKey, APP_NAME_ALIASES, isTenantKey } from './columns';

/** One record as a reader found it, before validation. */
export interface RawRecord {
  line: number;
  /** As read: a string from CSV, any JSON value from JSON (validation says what is wrong). */
  appName: unknown;
  tenant: unknown;
  extra: Record<string, string>;
  /** Set when the reader already knows the record is unusable (wrong JSON type, bad line). */
  defect?: string;
}

/** A JSON element or JSON Lines value → raw record (strings are names, objects are rows). */
export function recordFromJson(value: unknown, line: number, what: string): RawRecord {
  if (typeof value === 'string') return { line, appName: value, tenant: undefined, extra: {} };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      line,
      appName: value === null || value === undefined ? '' : JSON.stringify(value),
      tenant: undefined,
      extra: {},
      defect: `${what} is ${jsonTypeName(value)}; expected an app name string or an object with app_name`,
    };
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  const nameKey = appNameKey(keys);
  const tenantKey = keys.find(isTenantKey);
  const extra: Record<string, string> = {};
  for (const key of keys) {
    if (key !== nameKey && key !== tenantKey) extra[key] = stringify(object[key]);
  }
  const record: RawRecord = {
    line,
    appName: nameKey === undefined ? undefined : object[nameKey],
    tenant: tenantKey === undefined ? undefined : object[tenantKey],
    extra,
  };
  if (nameKey === undefined) {
    record.appName = '';
    record.defect = `${what} has no app name (name one of ${APP_NAME_ALIASES.join(', ')})`;
  }
  return record;
}

export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value); // objects and arrays
}
