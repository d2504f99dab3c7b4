import type { RateLimit } from '../config/rate';
import { DEFAULT_RATE } from '../config/rate';

/** One account of the emulated cloud: its credentials, quota and rate limit. */
export interface EmulatorTenant {
  id: string;
  /** A static `X-Auth-Token` accepted for this tenant. */
  token?: string;
  /** AK/SK mode: requests signed with `ak`/`sk` must carry `X-Project-Id: projectId`. */
  ak?: string;
  sk?: string;
  projectId?: string;
  /** Temporary credentials: when set, AK/SK requests must carry this `X-Security-Token`. */
  securityToken?: string;
  /** IAM password login (`POST /v3/auth/tokens`) that issues tokens for this tenant. */
  iam?: {
    domain: string;
    user: string;
    password: string;
    projectId?: string;
    projectName?: string;
  };
  /** Apps the account may own; default `options.defaultQuota`. */
  quota?: number;
  /** Calls per sliding window for app management; default `options.rate`. */
  rate?: RateLimit;
  /** Credentials still verify but map to no usable account: 400 RTC.00001001. */
  disabled?: boolean;
}

export interface EmulatorFaults {
  /** PRNG seed: the same seed and request sequence give the same outcomes. */
  seed?: number;
  /** Share of creates answered 500 without creating. */
  error500Rate?: number;
  /** Share of creates that create the app but answer 500 or drop the connection. */
  ambiguousRate?: number;
  /** Uniform real-time delay [min, max] ms before answering every /v2 request. */
  latencyMs?: [number, number];
}

export interface EmulatorOptions {
  tenants?: EmulatorTenant[];
  defaultQuota?: number;
  rate?: RateLimit | false;
  retryAfterHeader?: boolean;
  faults?: EmulatorFaults;
  preload?: Record<string, string[]>;
  tokenTtlMs?: number;
  clockSkewMs?: number;
  lockout?: { failures: number; durationMs: number };
  host?: string;
  port?: number;
}

export interface ResolvedEmulatorOptions {
  readonly tenants: readonly EmulatorTenant[];
  readonly defaultQuota: number;
  readonly rate: RateLimit | false;
  readonly retryAfterHeader: boolean;
  readonly faults: EmulatorFaults;
  readonly preload: Readonly<Record<string, readonly string[]>>;
  readonly tokenTtlMs: number;
  readonly clockSkewMs: number;
  readonly lockout: { readonly failures: number; readonly durationMs: number };
  readonly host: string;
  readonly port: number;
}

export const EMULATOR_DEFAULTS = Object.freeze({
  defaultQuota: 20,
  rate: DEFAULT_RATE,
  retryAfterHeader: false,
  tokenTtlMs: 24 * 60 * 60_000,
  clockSkewMs: 15 * 60_000,
  lockout: Object.freeze({ failures: 5, durationMs: 5 * 60_000 }),
  host: '127.0.0.1',
  port: 0,
});

export function resolveOptions(options: EmulatorOptions = {}): ResolvedEmulatorOptions {
  return Object.freeze({
    tenants: options.tenants ?? [],
    defaultQuota: options.defaultQuota ?? EMULATOR_DEFAULTS.defaultQuota,
    rate: options.rate ?? EMULATOR_DEFAULTS.rate,
    retryAfterHeader: options.retryAfterHeader ?? EMULATOR_DEFAULTS.retryAfterHeader,
    faults: options.faults ?? {},
    preload: options.preload ?? {},
    tokenTtlMs: options.tokenTtlMs ?? EMULATOR_DEFAULTS.tokenTtlMs,
    clockSkewMs: options.clockSkewMs ?? EMULATOR_DEFAULTS.clockSkewMs,
    lockout: options.lockout ?? EMULATOR_DEFAULTS.lockout,
    host: options.host ?? EMULATOR_DEFAULTS.host,
    port: options.port ?? EMULATOR_DEFAULTS.port,
  });
}
