import type { Dispatcher } from 'undici';
import { RetryableError, TerminalError } from '../../domain/errors';
import type { Credentials } from '../../config/tenants';
import type { Clock } from '../../infra/clock';
import { send } from '../http';
import { parseBody, parseErrorBody, parseRetryAfter } from '../response';
import { scrubSecrets } from '../scrub';
import type { Authenticator } from './authenticator';
import type { CachedToken, TokenCache } from './token-cache';

export type PasswordCredentials = Extract<Credentials, { type: 'password' }>;

export const DEFAULT_IAM_ENDPOINT = 'https://iam.myhuaweicloud.com';
/** Huawei tokens last 24 h; used only when IAM omits `expires_at`. */
const DEFAULT_LIFETIME_MS = 24 * 3600_000;

/** The IAM password-method request body, scoped to a project by id or by name (region). */
export function passwordAuthBody(creds: PasswordCredentials): object {
  const project =
    creds.projectId !== undefined ? { id: creds.projectId } : { name: creds.projectName };
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: { name: creds.user, password: creds.password, domain: { name: creds.domain } },
        },
      },
      scope: { project },
    },
  };
}

export interface IamOptions {
  iamEndpoint: string;
  timeoutMs: number;
}

export interface IamDeps {
  dispatcher?: Dispatcher;
  clock: Clock;
  /** Sees every IAM response's `Date` header (clock-skew check). */
  onServerDate?: (date: string | undefined) => void;
}

/**
 * POST {iam}/v3/auth/tokens. 4xx (except 429) → TerminalError ERR_IAM_AUTH; 429, 5xx and network
 * failures → RetryableError ERR_IAM_UNAVAILABLE. Messages name the user, never the password.
 */
export async function fetchIamToken(
  creds: PasswordCredentials,
  options: IamOptions,
  deps: IamDeps,
): Promise<CachedToken> {
  const url = new URL(`${options.iamEndpoint.replace(/\/+$/, '')}/v3/auth/tokens?nocatalog=true`);
  const who = `IAM user \`${creds.user}\` of domain \`${creds.domain}\``;
  const what = `POST ${url.origin}/v3/auth/tokens`;
  const fetchedAt = deps.clock.now();
  let res;
  try {
    res = await send({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json;charset=UTF-8' },
      body: Buffer.from(JSON.stringify(passwordAuthBody(creds)), 'utf8'),
      timeoutMs: options.timeoutMs,
      dispatcher: deps.dispatcher,
      what,
    });
  } catch (err) {
    if (err instanceof RetryableError) {
      throw new RetryableError('ERR_IAM_UNAVAILABLE', `${what} for ${who} failed: ${err.message}`, {
        cause: err,
      });
    }
    throw err;
  }
  deps.onServerDate?.(res.headers.date);
  const body = parseBody(scrubSecrets(res.text, [creds.password]));
  const token = res.headers['x-subject-token'];
  if (res.status >= 200 && res.status < 300 && token !== undefined && token !== '') {
    return {
      token,
      fetchedAt,
      expiresAt: fetchedAt + lifetimeMs(body, res.headers.date, fetchedAt),
    };
  }
  const { errorCode, errorMsg } = parseErrorBody(body);
  const detail = `HTTP ${res.status}${errorCode ? ` ${errorCode}` : ''}${errorMsg ? `: ${errorMsg}` : ''}`;
  if (res.status === 429 || res.status >= 500) {
    const retryAfterMs = parseRetryAfter(res.headers['retry-after'], fetchedAt, res.headers.date);
    throw new RetryableError(
      'ERR_IAM_UNAVAILABLE',
      `${what} for ${who}: IAM is unavailable (${detail})`,
      {
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      },
    );
  }
  if (res.status >= 400) {
    throw new TerminalError(
      'ERR_IAM_AUTH',
      `${what}: IAM refused ${who} (${detail}); check the user, password, domain and project in the tenants file`,
    );
  }
  throw new TerminalError(
    'ERR_IAM_AUTH',
    `${what} for ${who}: HTTP ${res.status} without an X-Subject-Token header`,
  );
}

/**
 * Token lifetime on the server's clock, so local skew does not matter: expires_at − issued_at
 * (both to the millisecond) when IAM sends both, else expires_at − Date less a second, since the
 * Date header is truncated to whole seconds.
 */
function lifetimeMs(body: unknown, serverDate: string | undefined, localNow: number): number {
  const token = (body as { token?: { expires_at?: unknown; issued_at?: unknown } } | undefined)
    ?.token;
  const expiresAt =
    typeof token?.expires_at === 'string' ? Date.parse(token.expires_at) : Number.NaN;
  if (Number.isNaN(expiresAt)) return DEFAULT_LIFETIME_MS;
  const issuedAt = typeof token?.issued_at === 'string' ? Date.parse(token.issued_at) : Number.NaN;
  if (!Number.isNaN(issuedAt)) return expiresAt - issuedAt;
  const server = serverDate === undefined ? Number.NaN : Date.parse(serverDate);
  return Number.isNaN(server) ? expiresAt - localNow : expiresAt - server - 1000;
}

/** X-Auth-Token from IAM, through the shared cache. */
export function iamAuthenticator(
  creds: PasswordCredentials,
  options: IamOptions & { cacheKey: string },
  deps: IamDeps & { tokens: TokenCache },
): Authenticator {
  let lastToken: string | undefined;
  return {
    async authorize(req) {
      const token = await deps.tokens.get(
        options.cacheKey,
        () => fetchIamToken(creds, options, deps),
        req.signal,
      );
      lastToken = token;
      return { ...req.headers, 'x-auth-token': token };
    },
    invalidate() {
      // Only the token this client saw refused: a fresher one fetched meanwhile stays.
      deps.tokens.invalidate(options.cacheKey, lastToken);
    },
  };
}
