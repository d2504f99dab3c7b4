/** Redis key layout of runs, next to the BullMQ queue under the same prefix. */
export function runKeys(prefix: string, runId: string) {
  const base = `${prefix}:run:${runId}`;
  return {
    meta: base,
    outcomes: `${base}:out`,
    counts: `${base}:counts`,
    held: `${base}:held`,
    full: `${base}:full`,
    inflight: `${base}:inflight`,
    timeline: `${base}:timeline`,
    /** tenant → apps the plan found already in the account (they count against the quota). */
    existing: `${base}:existing`,
    quotaBudget: (tenant: string) => `${base}:quota:${tenant}`,
    quotaProbe: (tenant: string) => `${base}:qprobe:${tenant}`,
  };
}

export const runsIndexKey = (prefix: string) => `${prefix}:runs`;

/** `r20261203-161700-1a2b`: sortable, readable, never all digits, no `:`. */
export function newRunId(now: Date, random: string): string {
  const iso = now.toISOString();
  return `r${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${random.slice(0, 4)}`;
}
