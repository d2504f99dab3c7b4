import type { Dispatcher } from 'undici';
import type { Credentials } from '../config/tenants';
import type { Clock } from '../infra/clock';
import type { Logger } from '../infra/logger';
import { rfc3986 } from '../signing/sdk-hmac-sha256';
import { akskAuthenticator } from './auth/aksk';
import type { Authenticator } from './auth/authenticator';
import { DEFAULT_IAM_ENDPOINT, iamAuthenticator } from './auth/iam';
import { tokenAuthenticator } from './auth/token';
import { createTokenCache, type TokenCache } from './auth/token-cache';
import { createSkewMonitor, type SkewMonitor } from './clock-skew';
import { send } from './http';
import { redactAppsBody } from './redact';
import { toApiResult } from './response';
import { credentialSecrets, scrubSecrets } from './scrub';
import type { ApiResult, ListAppsQuery, RequestOptions, RtcClient } from './types';

export const DEFAULT_ENDPOINT = 'https://rtc-api.myhuaweicloud.com';
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface RtcClientOptions {
  endpoint: string;
  credentials: Credentials;
  tenantId: string;
  /** Total time for one call (connect, headers and body). */
  timeoutMs?: number;
  /** IAM for `password` credentials; else the credentials' own, else the global IAM. */
  iamEndpoint?: string;
}

export interface RtcClientDeps {
  /** Shared keep-alive agent (see createHttpAgent); undici's global dispatcher when absent. */
  dispatcher?: Dispatcher;
  clock: Clock;
  logger: Logger;
  /** The process-wide token cache; a private one when absent. */
  tokens?: TokenCache;
}

type Method = 'GET' | 'POST' | 'DELETE';

export function createRtcClient(options: RtcClientOptions, deps: RtcClientDeps): RtcClient {
  const base = new URL(options.endpoint);
  const basePath = base.pathname.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const skew = createSkewMonitor(deps, base.host);
  const auth = authenticatorFor(options, deps, skew, timeoutMs);
  const log = deps.logger.child({ tenant: options.tenantId });
  const secrets = credentialSecrets(options.credentials);

  async function call(
    method: Method,
    path: string,
    json: unknown,
    opts: RequestOptions | undefined,
  ): Promise<ApiResult> {
    const url = new URL(base.origin + basePath + path);
    // Serialised once: these exact bytes are hashed for the signature and sent.
    const body = json === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(json), 'utf8');
    const headers: Record<string, string> =
      body.length > 0 ? { 'content-type': 'application/json' } : {};
    const signal = opts?.signal;
    const authorized = await auth.authorize({
      method,
      url,
      headers,
      body,
      ...(signal ? { signal } : {}),
    });
    const started = deps.clock.now();
    const res = await send({
      method,
      url,
      headers: authorized,
      body,
      timeoutMs,
      dispatcher: deps.dispatcher,
      what: `${method} ${path}`,
      ...(signal ? { signal } : {}),
    });
    const now = deps.clock.now();
    const text = scrubSecrets(res.text, [...secrets, authorized['x-auth-token']]);
    const result = toApiResult(
      { ...res, text },
      { method, path, durationMs: now - started, nowMs: now },
    );
    if (method === 'GET' && result.status === 200) result.body = redactAppsBody(result.body);
    skew.observe(result.serverDate);
    // Never the body: it may hold app_key.
    log.debug(
      {
        method,
        path,
        status: result.status,
        requestId: result.requestId,
        errorCode: result.errorCode,
        durationMs: result.durationMs,
      },
      'rtc api call',
    );
    return result;
  }

  return {
    createApp: (appName, opts) => call('POST', '/v2/apps', { app_name: appName }, opts),
    listApps: (q, opts) => call('GET', `/v2/apps?${listQuery(q)}`, undefined, opts),
    getApp: (appId, opts) => call('GET', `/v2/apps/${rfc3986(appId)}`, undefined, opts),
    deleteApp: (appId, opts) => call('DELETE', `/v2/apps/${rfc3986(appId)}`, undefined, opts),
    invalidateToken: () => auth.invalidate(),
    clockSkewMs: () => skew.skewMs(),
  };
}

/** RFC 3986-encoded so the query sent is the one signed (no `+` for spaces). */
export function listQuery(q: ListAppsQuery): string {
  const pairs: Array<[string, string]> = [
    ['offset', String(q.offset)],
    ['limit', String(q.limit)],
  ];
  if (q.state !== undefined) pairs.push(['state', q.state]);
  return pairs.map(([k, v]) => `${k}=${rfc3986(v)}`).join('&');
}

function authenticatorFor(
  options: RtcClientOptions,
  deps: RtcClientDeps,
  skew: SkewMonitor,
  timeoutMs: number,
): Authenticator {
  const creds = options.credentials;
  switch (creds.type) {
    case 'token':
      return tokenAuthenticator(creds.token);
    case 'aksk':
      return akskAuthenticator(creds, deps);
    case 'password': {
      const iamEndpoint = options.iamEndpoint ?? creds.iamEndpoint ?? DEFAULT_IAM_ENDPOINT;
      // Identity in the key, so an edited tenants file never reuses another user's token.
      const cacheKey = [
        options.tenantId,
        iamEndpoint,
        creds.domain,
        creds.user,
        creds.projectId ?? creds.projectName,
      ].join('\u0000');
      return iamAuthenticator(
        creds,
        { iamEndpoint, timeoutMs, cacheKey },
        {
          clock: deps.clock,
          tokens: deps.tokens ?? createTokenCache(deps),
          onServerDate: (d) => skew.observe(d),
          ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}),
        },
      );
    }
  }
}
