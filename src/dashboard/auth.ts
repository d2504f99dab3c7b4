import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../domain/errors';

export interface DashboardAuthOptions {
  /** `Authorization: Bearer <token>`, or `/login?token=` once for a cookie. */
  token?: string;
  /** `Authorization: Basic …` (the browser asks at `/login`). */
  basicAuth?: { user: string; password: string };
}

export const SESSION_COOKIE = 'rtcp_dashboard';
const SESSION_MAX_AGE_S = 12 * 3600;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);

/** `DASHBOARD_TOKEN`, `DASHBOARD_USER` + `DASHBOARD_PASSWORD`; only the CLI calls this. */
export function authFromEnv(env: NodeJS.ProcessEnv): DashboardAuthOptions {
  const token = env.DASHBOARD_TOKEN?.trim();
  const user = env.DASHBOARD_USER;
  const password = env.DASHBOARD_PASSWORD;
  if ((user && !password) || (!user && password)) {
    throw new ConfigError(
      'set both DASHBOARD_USER and DASHBOARD_PASSWORD for basic auth, or neither',
    );
  }
  return {
    ...(token ? { token } : {}),
    ...(user && password ? { basicAuth: { user, password } } : {}),
  };
}

/** Anywhere but loopback, the dashboard must have credentials: without them anyone could resume or retry. */
export function assertSafeBind(host: string, auth: DashboardAuthOptions): void {
  if (LOOPBACK.has(host)) return;
  if (auth.token || auth.basicAuth) return;
  throw new ConfigError(
    `the dashboard refuses to listen on ${host} without authentication: set DASHBOARD_TOKEN (or DASHBOARD_USER and DASHBOARD_PASSWORD), or bind to 127.0.0.1`,
  );
}

export interface Authenticator {
  /** Credentials are configured, so writes are possible at all. */
  readonly enabled: boolean;
  /** Bearer token, basic auth or session cookie. */
  check(headers: { authorization?: string | undefined; cookie?: string | undefined }): boolean;
  checkToken(token: string): boolean;
  /** `Set-Cookie` value for a signed-in browser. */
  sessionCookie(): string;
  clearCookie(): string;
}

/**
 * Stateless sessions: the cookie holds an HMAC derived from the configured secret, so it stops
 * working when the secret changes. `SameSite=Strict` keeps other sites from riding on it.
 */
export function createAuthenticator(options: DashboardAuthOptions): Authenticator {
  const secret =
    options.token ??
    (options.basicAuth ? `${options.basicAuth.user}:${options.basicAuth.password}` : undefined);
  const session = secret
    ? createHmac('sha256', secret).update('rtc-provisioner dashboard session v1').digest('hex')
    : undefined;
  const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

  return {
    enabled: secret !== undefined,
    checkToken: (token) => options.token !== undefined && same(token, options.token),
    check(headers) {
      if (!secret) return false;
      const auth = headers.authorization ?? '';
      if (options.token && auth.startsWith('Bearer ') && same(auth.slice(7).trim(), options.token))
        return true;
      if (options.basicAuth && auth.startsWith('Basic ')) {
        const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
        if (same(decoded, `${options.basicAuth.user}:${options.basicAuth.password}`)) return true;
      }
      const cookie = readCookie(headers.cookie, SESSION_COOKIE);
      return cookie !== undefined && session !== undefined && same(cookie, session);
    },
    sessionCookie: () =>
      `${SESSION_COOKIE}=${session ?? ''}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MAX_AGE_S}`,
    clearCookie: () => `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`,
  };
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Equal-length inputs for timingSafeEqual, whatever the lengths given. */
function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
