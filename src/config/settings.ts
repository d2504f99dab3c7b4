import { z } from 'zod';
import { ConfigError } from '../domain/errors';
import { parseRate, type RateLimit } from './rate';

/** Every option, with its default, in one place (README "Configuration" mirrors this table). */
export const SETTINGS_DOC = [
  [
    'redisUrl',
    'REDIS_URL',
    '--redis <url>',
    'redis://127.0.0.1:6379',
    'Redis holding the queue and the runs',
  ],
  ['prefix', 'RTC_PREFIX', '--prefix <p>', 'rtcp', 'key prefix of the queue and the runs'],
  [
    'endpoint',
    'RTC_ENDPOINT',
    '--endpoint <url>',
    'https://rtc-api.myhuaweicloud.com',
    'RTC API endpoint',
  ],
  [
    'iamEndpoint',
    'RTC_IAM_ENDPOINT',
    '--iam-endpoint <url>',
    'https://iam.myhuaweicloud.com',
    'IAM endpoint for password auth',
  ],
  ['rate', 'RTC_RATE', '--rate <n/window>', '60/60s', 'API calls per tenant per sliding window'],
  [
    'globalRate',
    'RTC_GLOBAL_RATE',
    '--global-rate <n/window>',
    'none',
    'optional cap on the sum over tenants',
  ],
  [
    'quota',
    'RTC_QUOTA',
    '--quota <n>',
    '20',
    'apps an account may own (tenants file `quota` overrides; with --emulator, its quota too)',
  ],
  [
    'concurrency',
    'RTC_CONCURRENCY',
    '--concurrency <n>',
    '50',
    'jobs in flight per worker process',
  ],
  ['attempts', 'RTC_ATTEMPTS', '--attempts <n>', '6', 'attempts per row on 5xx / network errors'],
  ['timeoutMs', 'RTC_TIMEOUT_MS', '--timeout-ms <ms>', '30000', 'HTTP timeout per call'],
  [
    'maxThrottles',
    'RTC_MAX_THROTTLES',
    '--max-throttles <n>',
    '20',
    '429s per row before it is `failed`',
  ],
  [
    'shutdownTimeoutMs',
    'RTC_SHUTDOWN_TIMEOUT_MS',
    '--shutdown-timeout-ms <ms>',
    '10000',
    'grace for in-flight calls on SIGINT/SIGTERM',
  ],
  [
    'lockMs',
    'RTC_LOCK_MS',
    '--lock-ms <ms>',
    '10000',
    "job lock: a killed worker's jobs are taken over after about this long",
  ],
] as const;

const positiveInt = z.coerce.number().int().positive();

const schema = z.object({
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .default('redis://127.0.0.1:6379'),
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, - and _ only')
    .default('rtcp'),
  endpoint: z.string().url().default('https://rtc-api.myhuaweicloud.com'),
  iamEndpoint: z.string().url().default('https://iam.myhuaweicloud.com'),
  rate: z.string().default('60/60s'),
  globalRate: z.string().optional(),
  quota: positiveInt.default(20),
  concurrency: positiveInt.max(1000).default(50),
  attempts: positiveInt.max(50).default(6),
  timeoutMs: positiveInt.default(30_000),
  maxThrottles: positiveInt.default(20),
  shutdownTimeoutMs: positiveInt.default(10_000),
  lockMs: positiveInt.min(1000).default(10_000),
});

export type SettingsInput = z.input<typeof schema>;

export interface Settings {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly endpoint: string;
  readonly iamEndpoint: string;
  readonly rate: RateLimit;
  readonly globalRate?: RateLimit;
  readonly quota: number;
  readonly concurrency: number;
  readonly attempts: number;
  readonly timeoutMs: number;
  readonly maxThrottles: number;
  readonly shutdownTimeoutMs: number;
  readonly lockMs: number;
}

const ENV: Record<string, keyof SettingsInput> = Object.fromEntries(
  SETTINGS_DOC.map(([k, env]) => [env, k]),
);

/** What each value must look like, for error messages. */
const EXPECTED: Record<string, string> = {
  redisUrl: 'a URL like redis://127.0.0.1:6379',
  prefix: '1–32 letters, digits, - or _',
  endpoint: 'a URL like https://rtc-api.myhuaweicloud.com',
  iamEndpoint: 'a URL like https://iam.myhuaweicloud.com',
  quota: 'a whole number ≥ 1',
  concurrency: 'a whole number from 1 to 1000',
  attempts: 'a whole number from 1 to 50',
  timeoutMs: 'milliseconds, a whole number ≥ 1',
  maxThrottles: 'a whole number ≥ 1',
  shutdownTimeoutMs: 'milliseconds, a whole number ≥ 1',
  lockMs: 'milliseconds, a whole number ≥ 1000',
};

/** defaults < environment < flags; the result is frozen. */
export function resolveSettings(
  flags: Partial<Record<keyof SettingsInput, unknown>>,
  env: NodeJS.ProcessEnv = process.env,
): Settings {
  const merged: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV))
    if (env[name] !== undefined && env[name] !== '') merged[key] = env[name];
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) merged[k] = v;
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]);
    const doc = SETTINGS_DOC.find(([k]) => k === key);
    const where = doc ? `${doc[2].split(' ')[0]} / ${doc[1]}` : key;
    const expected = EXPECTED[key] ?? issue.message;
    throw new ConfigError(
      `${where}: got ${JSON.stringify(merged[key])}; expected ${expected}${doc ? ` (default ${doc[3]})` : ''}`,
    );
  }
  const s = parsed.data;
  return Object.freeze({
    ...s,
    rate: parseRate(s.rate, '--rate'),
    ...(s.globalRate ? { globalRate: parseRate(s.globalRate, '--global-rate') } : {}),
  }) as Settings;
}
