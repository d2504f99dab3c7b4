import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../domain/errors';
import { parseRate, type RateLimit } from './rate';

/** Credentials of one account. Secrets live only here and in the worker's memory. */
export type Credentials =
  | { type: 'token'; token: string }
  | {
      type: 'password';
      iamEndpoint?: string;
      domain: string;
      user: string;
      password: string;
      /** Project scope: id or name (region), one of them. */
      projectId?: string;
      projectName?: string;
    }
  | { type: 'aksk'; ak: string; sk: string; projectId: string; securityToken?: string };

export interface Tenant {
  id: string;
  credentials: Credentials;
  endpoint?: string;
  rate?: RateLimit;
  quota?: number;
}

export type TenantsFile = ReadonlyMap<string, Tenant>;

const rateText = z.string().describe('calls/window, e.g. 60/60s');

const tenantSchema = z
  .object({
    token: z.string().min(1).optional(),
    ak: z.string().min(1).optional(),
    sk: z.string().min(1).optional(),
    projectId: z.string().min(1).optional(),
    securityToken: z.string().min(1).optional(),
    iam: z
      .object({
        endpoint: z.string().url().optional(),
        domain: z.string().min(1),
        user: z.string().min(1),
        password: z.string().min(1),
        projectId: z.string().min(1).optional(),
        projectName: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    endpoint: z.string().url().optional(),
    rate: rateText.optional(),
    quota: z.number().int().positive().optional(),
  })
  .strict();

const fileSchema = z
  .object({
    defaults: z
      .object({ endpoint: z.string().url().optional(), rate: rateText.optional() })
      .strict()
      .optional(),
    tenants: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/), tenantSchema),
  })
  .strict();

type RawTenant = z.infer<typeof tenantSchema>;

/** Resolves `env:NAME` references; a missing variable is a config error that names it. */
export function resolveSecret(
  value: string,
  where: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (!value.startsWith('env:')) return value;
  const name = value.slice(4);
  const resolved = env[name];
  if (resolved === undefined || resolved === '') {
    throw new ConfigError(
      `${where} refers to env:${name}, but ${name} is not set (export ${name}=…)`,
    );
  }
  return resolved;
}

export function parseTenants(
  json: unknown,
  source = 'tenants file',
  env: NodeJS.ProcessEnv = process.env,
): TenantsFile {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String);
    const where =
      path[0] === 'tenants' && path[1] ? `tenant \`${path[1]}\`` : path.join('.') || 'top level';
    const field = path[0] === 'tenants' ? path.slice(2).join('.') : '';
    throw new ConfigError(
      `${source}: ${where}${field ? ` field \`${field}\`` : ''}: ${issue.message}` +
        ` (expected { "tenants": { "<id>": { "ak", "sk", "projectId" } | { "token" } | { "iam": {…} } } })`,
    );
  }
  const defaults = parsed.data.defaults ?? {};
  const tenants = new Map<string, Tenant>();
  for (const [id, raw] of Object.entries(parsed.data.tenants)) {
    tenants.set(id, buildTenant(id, raw, defaults, source, env));
  }
  return tenants;
}

function buildTenant(
  id: string,
  raw: RawTenant,
  defaults: { endpoint?: string; rate?: string },
  source: string,
  env: NodeJS.ProcessEnv,
): Tenant {
  const where = (field: string) => `${source}: tenant \`${id}\` field \`${field}\``;
  const secret = (field: string, v: string) => resolveSecret(v, where(field), env);
  const modes = [raw.token, raw.ak ?? raw.sk, raw.iam].filter((m) => m !== undefined).length;
  if (modes !== 1) {
    throw new ConfigError(
      `${source}: tenant \`${id}\` needs exactly one credential mode: \`token\`, \`ak\`+\`sk\`+\`projectId\`, or \`iam\` (found ${modes})`,
    );
  }
  let credentials: Credentials;
  if (raw.token !== undefined) {
    credentials = { type: 'token', token: secret('token', raw.token) };
  } else if (raw.iam !== undefined) {
    const iam = raw.iam;
    if (!iam.projectId && !iam.projectName) {
      throw new ConfigError(
        `${where('iam')}: set \`projectId\` or \`projectName\` (the region, e.g. cn-north-4)`,
      );
    }
    credentials = {
      type: 'password',
      domain: iam.domain,
      user: iam.user,
      password: secret('iam.password', iam.password),
      ...(iam.endpoint ? { iamEndpoint: iam.endpoint } : {}),
      ...(iam.projectId ? { projectId: iam.projectId } : {}),
      ...(iam.projectName ? { projectName: iam.projectName } : {}),
    };
  } else {
    for (const field of ['ak', 'sk', 'projectId'] as const) {
      if (raw[field] === undefined) {
        throw new ConfigError(
          `${source}: tenant \`${id}\` has no \`${field}\` (set \`${field}\`${field === 'projectId' ? '' : ` or \`env:${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${field.toUpperCase()}\``})`,
        );
      }
    }
    credentials = {
      type: 'aksk',
      ak: secret('ak', raw.ak!),
      sk: secret('sk', raw.sk!),
      projectId: secret('projectId', raw.projectId!),
      ...(raw.securityToken ? { securityToken: secret('securityToken', raw.securityToken) } : {}),
    };
  }
  const rateText = raw.rate ?? defaults.rate;
  const endpoint = raw.endpoint ?? defaults.endpoint;
  return {
    id,
    credentials,
    ...(endpoint ? { endpoint } : {}),
    ...(rateText ? { rate: parseRate(rateText, where('rate')) } : {}),
    ...(raw.quota ? { quota: raw.quota } : {}),
  };
}

export async function loadTenantsFile(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TenantsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read tenants file ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return parseTenants(json, path, env);
}

/** Single-tenant credentials from Huawei's SDK variables or RTC_AUTH_TOKEN. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const ak = env.HUAWEICLOUD_SDK_AK;
  const sk = env.HUAWEICLOUD_SDK_SK;
  const projectId = env.HUAWEICLOUD_SDK_PROJECT_ID;
  if (ak && sk) {
    if (!projectId) {
      throw new ConfigError(
        'HUAWEICLOUD_SDK_AK and _SK are set but HUAWEICLOUD_SDK_PROJECT_ID is not: export it too',
      );
    }
    const securityToken = env.HUAWEICLOUD_SDK_SECURITY_TOKEN;
    return { type: 'aksk', ak, sk, projectId, ...(securityToken ? { securityToken } : {}) };
  }
  if (env.RTC_AUTH_TOKEN) return { type: 'token', token: env.RTC_AUTH_TOKEN };
  return undefined;
}
