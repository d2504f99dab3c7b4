/** The plan's shape: what `run` would do with each row, per tenant, before anything is sent. */

/** Why a tenant's apps could not be listed; its valid rows are then `unchecked`. */
export interface ListingProblem {
  /** `refused`: credentials refused; `failed`: the API kept failing; `unknown`: no credentials here. */
  kind: 'refused' | 'failed' | 'unknown';
  code: string;
  message: string;
  httpStatus?: number;
  requestId?: string;
}

/** A capped list: `count` is exact, `items` holds at most the plan's sample limit. */
export interface Sample<T> {
  count: number;
  items: T[];
}

export interface ExistingRow {
  line: number;
  name: string;
  appId: string;
}

export interface PlannedRow {
  line: number;
  name: string;
}

export interface ProblemRow {
  line: number;
  name: string;
  reason: string;
  /** For duplicates: the line of the first occurrence. */
  firstLine?: number;
}

export interface TenantPlan {
  tenant: string;
  quota: number;
  /** Apps the account already owns (all of them, not only those named in the input). */
  accountApps?: number;
  /** Set when the account could not be listed. */
  problem?: ListingProblem;
  toCreate: Sample<PlannedRow>;
  exists: Sample<ExistingRow>;
  /** Rows to create beyond quota − account apps, in input order. */
  overQuota: Sample<PlannedRow>;
  /** Valid rows of a tenant that could not be listed: neither known to exist nor to fit. */
  unchecked: Sample<PlannedRow>;
  invalid: Sample<ProblemRow>;
  duplicate: Sample<ProblemRow>;
}

export interface PlanTotals {
  tenants: number;
  rows: number;
  toCreate: number;
  exists: number;
  overQuota: number;
  unchecked: number;
  invalid: number;
  duplicate: number;
  /** Tenants whose apps could not be listed. */
  tenantProblems: number;
}

export interface Plan {
  /** Tenants in order of first appearance in the input. */
  tenants: TenantPlan[];
  totals: PlanTotals;
  sampleLimit: number;
  /** Filled by the command that fetched: GET /v2/apps calls made and their request ids. */
  listing?: { calls: number; requestIds: Record<string, string[]> };
}
