import { sdkDate, sign } from '../../signing/sdk-hmac-sha256';
import type { Clock } from '../../infra/clock';
import type { Credentials } from '../../config/tenants';
import type { Authenticator, AuthRequest } from './authenticator';

export type AkskCredentials = Extract<Credentials, { type: 'aksk' }>;

/**
 * The headers an AK/SK request carries: the given ones plus host (with a non-default port),
 * X-Sdk-Date, X-Project-Id, X-Security-Token; all of them signed, then Authorization. Pure.
 */
export function signedHeaders(
  req: Omit<AuthRequest, 'signal'>,
  creds: AkskCredentials,
  now: Date,
): Record<string, string> {
  const headers: Record<string, string> = {
    ...req.headers,
    host: req.url.host,
    'x-sdk-date': sdkDate(now),
    'x-project-id': creds.projectId,
  };
  if (creds.securityToken !== undefined) headers['x-security-token'] = creds.securityToken;
  const { authorization } = sign(
    { method: req.method, url: req.url.href, headers, body: req.body },
    creds.ak,
    creds.sk,
  );
  return { ...headers, authorization };
}

export function akskAuthenticator(creds: AkskCredentials, deps: { clock: Clock }): Authenticator {
  return {
    authorize: (req) => Promise.resolve(signedHeaders(req, creds, new Date(deps.clock.now()))),
    invalidate: () => undefined,
  };
}
