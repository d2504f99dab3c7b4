import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Paths that may hold secrets anywhere in a log object. Hyphenated header names need bracket
 * syntax; nested error objects are covered by the wildcards.
 */
export const REDACT_PATHS = [
  'token',
  'password',
  'sk',
  'secretKey',
  'securityToken',
  'app_key',
  'appKey',
  'authorization',
  '*.token',
  '*.password',
  '*.sk',
  '*.secretKey',
  '*.securityToken',
  '*.app_key',
  '*.appKey',
  '*.authorization',
  '*.*.password',
  '*.*.sk',
  '*.*.token',
  '*.*.app_key',
  'headers.authorization',
  'headers["x-auth-token"]',
  'headers["x-security-token"]',
  'headers["x-subject-token"]',
  '*.headers.authorization',
  '*.headers["x-auth-token"]',
  '*.headers["x-security-token"]',
  '*.headers["x-subject-token"]',
];

export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      name: options.name,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination ?? pino.destination(2),
  );
}

/** A logger that drops everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
