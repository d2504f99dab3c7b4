import type { Credentials } from '../config/tenants';

const CENSOR = '[redacted]';

/**
 * Replaces every occurrence of the secrets in a response text: the gateway echoes the canonical
 * request (X-Security-Token included) in `error_msg`, which flows into errors and reports.
 */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret !== '' && out.includes(secret))
      out = out.split(secret).join(CENSOR);
  }
  return out;
}

/** The secret values of a credential set. */
export function credentialSecrets(c: Credentials): string[] {
  switch (c.type) {
    case 'token':
      return [c.token];
    case 'password':
      return [c.password];
    case 'aksk':
      return c.securityToken === undefined ? [c.sk] : [c.sk, c.securityToken];
  }
}
