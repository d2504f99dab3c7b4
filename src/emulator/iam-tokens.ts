import { randomBytes } from 'node:crypto';

interface IssuedToken {
  tenantId: string;
  expiresAt: number;
  stale: boolean;
}

export type TokenLookup =
  | { kind: 'valid'; tenantId: string }
  | { kind: 'expired' | 'stale'; tenantId: string }
  | { kind: 'unknown' };

/** Tokens issued by the emulated IAM, each bound to one tenant until it expires. */
export class IamTokens {
  private readonly issued = new Map<string, IssuedToken>();

  issue(tenantId: string, now: number, ttlMs: number): { token: string; expiresAt: number } {
    // Real tokens are long opaque strings starting "MII"; length matters for header handling.
    const token = `MIIemu${randomBytes(48).toString('base64url')}`;
    const expiresAt = now + ttlMs;
    this.issued.set(token, { tenantId, expiresAt, stale: false });
    return { token, expiresAt };
  }

  lookup(token: string, now: number): TokenLookup {
    const t = this.issued.get(token);
    if (!t) return { kind: 'unknown' };
    if (t.expiresAt <= now) return { kind: 'expired', tenantId: t.tenantId };
    return { kind: t.stale ? 'stale' : 'valid', tenantId: t.tenantId };
  }

  /** Makes the tenant's current tokens answer "must be refreshed"; returns how many. */
  markStale(tenantId: string): number {
    let n = 0;
    for (const t of this.issued.values()) {
      if (t.tenantId === tenantId && !t.stale) {
        t.stale = true;
        n++;
      }
    }
    return n;
  }
}
