import { z } from 'zod';
import { DEFAULT_TENANT, type InputItem } from '../domain/row';
import { jsonTypeName, type RawRecord } from './raw-record';

export interface ValidationOptions {
  defaultTenant?: string;
  maxNameLength?: number;
  /** When given, a tenant outside this set is `invalid_input`. */
  knownTenants?: ReadonlySet<string>;
}

export const DEFAULT_MAX_NAME_LENGTH = 64;
const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const CONTROL = /\p{Cc}/u;

/** U+0007 style, as operators see it in editors and docs. */
function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function textOf(field: string) {
  return z.unknown().transform((value, ctx): string => {
    if (value === undefined || value === null) return '';
    if (typeof value !== 'string') {
      ctx.addIssue({
        code: 'custom',
        message: `${field} must be text, not ${jsonTypeName(value)}`,
      });
      return z.NEVER;
    }
    return value.trim();
  });
}

function rowSchema(options: Required<Omit<ValidationOptions, 'knownTenants'>> & ValidationOptions) {
  const { maxNameLength, defaultTenant, knownTenants } = options;
  const appName = textOf('app_name').superRefine((name, ctx) => {
    if (name === '') {
      ctx.addIssue({ code: 'custom', message: 'app_name is empty' });
      return;
    }
    const length = [...name].length;
    if (length > maxNameLength) {
      ctx.addIssue({
        code: 'custom',
        message: `app_name is ${length} characters; the limit is ${maxNameLength}`,
      });
    }
    const control = CONTROL.exec(name);
    if (control) {
      ctx.addIssue({
        code: 'custom',
        message: `app_name contains a control character (${codePoint(control[0])})`,
      });
    }
  });
  const tenant = textOf('tenant')
    .transform((id) => (id === '' ? defaultTenant : id))
    .superRefine((id, ctx) => {
      if (!TENANT_ID.test(id)) {
        ctx.addIssue({
          code: 'custom',
          message: `tenant \`${id}\` is not a valid tenant id (up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit)`,
        });
      } else if (knownTenants !== undefined && !knownTenants.has(id)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown tenant \`${id}\` (add it to the tenants file)`,
        });
      }
    });
  return z.object({ appName, tenant });
}

/** Builds the per-row check: a raw record → a row, or an `invalid_input` problem with a reason. */
export function createValidator(options: ValidationOptions = {}): (raw: RawRecord) => InputItem {
  const defaultTenant = options.defaultTenant ?? DEFAULT_TENANT;
  const schema = rowSchema({
    ...options,
    defaultTenant,
    maxNameLength: options.maxNameLength ?? DEFAULT_MAX_NAME_LENGTH,
  });
  return (raw) => {
    const parsed = raw.defect === undefined ? schema.safeParse(raw) : undefined;
    if (parsed?.success) {
      const { appName, tenant } = parsed.data;
      return { kind: 'row', row: { line: raw.line, tenant, appName, extra: raw.extra } };
    }
    const reasons =
      raw.defect ?? [...new Set(parsed?.error.issues.map((i) => i.message))].join('; ');
    return {
      kind: 'problem',
      problem: {
        line: raw.line,
        tenant: asText(raw.tenant).trim() || defaultTenant,
        appName: asText(raw.appName),
        extra: raw.extra,
        status: 'invalid_input',
        reason: reasons,
      },
    };
  };
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}
