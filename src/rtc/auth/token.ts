import type { Authenticator } from './authenticator';

/** A static token (X-Auth-Token); it cannot be refreshed here. */
export function tokenAuthenticator(token: string): Authenticator {
  return {
    authorize: (req) => Promise.resolve({ ...req.headers, 'x-auth-token': token }),
    invalidate: () => undefined,
  };
}
