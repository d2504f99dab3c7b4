export interface TenantStats {
  requests: number;
  byStatus: Record<string, number>;
  byErrorCode: Record<string, number>;
  /** Most app-management calls (accepted or throttled) seen in any sliding rate window. */
  maxInWindow: number;
  throttled: number;
  appsExceed: number;
  created201: number;
  authFailures: number;
}

export interface KeyStats {
  failures: number;
  consecutiveFailures: number;
  lockedUntil: number | null;
  /** Requests refused without verification because the key was locked. */
  refusedWhileLocked: number;
}

export interface FaultStats {
  error500: number;
  ambiguous500: number;
  ambiguousDrop: number;
  latencyInjected: number;
}

export interface EmulatorStats {
  requests: number;
  byStatus: Record<string, number>;
  faults: FaultStats;
  tenants: Record<string, TenantStats>;
  keys: Record<string, KeyStats>;
}

/** The status key used for a connection destroyed without an answer. */
export const DROPPED = 'dropped';
/** The status key used when the client closed the connection before the answer. */
export const ABORTED = 'aborted';

export function emptyTenantStats(): TenantStats {
  return {
    requests: 0,
    byStatus: {},
    byErrorCode: {},
    maxInWindow: 0,
    throttled: 0,
    appsExceed: 0,
    created201: 0,
    authFailures: 0,
  };
}

/** Counters behind GET /_emulator/stats; plain objects so a snapshot is a JSON copy. */
export class StatsRecorder {
  private global = { requests: 0, byStatus: {} as Record<string, number> };
  private faultCounts: FaultStats = {
    error500: 0,
    ambiguous500: 0,
    ambiguousDrop: 0,
    latencyInjected: 0,
  };
  private readonly tenants = new Map<string, TenantStats>();

  tenant(id: string): TenantStats {
    let stats = this.tenants.get(id);
    if (!stats) {
      stats = emptyTenantStats();
      this.tenants.set(id, stats);
    }
    return stats;
  }

  /** One answered (or dropped) request; `tenantId` when the caller was identified. */
  answered(
    status: number | typeof DROPPED | typeof ABORTED,
    tenantId?: string,
    errorCode?: string,
  ): void {
    const key = String(status);
    this.global.requests++;
    bump(this.global.byStatus, key);
    if (tenantId === undefined) return;
    const t = this.tenant(tenantId);
    t.requests++;
    bump(t.byStatus, key);
    if (errorCode !== undefined) bump(t.byErrorCode, errorCode);
  }

  fault(kind: keyof FaultStats): void {
    this.faultCounts[kind]++;
  }

  reset(): void {
    this.global = { requests: 0, byStatus: {} };
    this.faultCounts = { error500: 0, ambiguous500: 0, ambiguousDrop: 0, latencyInjected: 0 };
    for (const id of this.tenants.keys()) this.tenants.set(id, emptyTenantStats());
  }

  snapshot(keys: Record<string, KeyStats>): EmulatorStats {
    return structuredClone({
      requests: this.global.requests,
      byStatus: this.global.byStatus,
      faults: this.faultCounts,
      tenants: Object.fromEntries(this.tenants),
      keys,
    });
  }
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
