import type { InputItem } from '../domain/row';
import type { ListingProblem, Plan, Sample, TenantPlan } from './plan';

export const DEFAULT_SAMPLE_LIMIT = 10;
/** The documented default account quota (DESIGN.md §1), for tenants without one. */
const FALLBACK_QUOTA = 20;

export interface PlanContext {
  /** tenant → app name → app id, from listing each account. */
  existing: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** tenant → apps the account may own. */
  quotas: ReadonlyMap<string, number>;
  /** Tenants whose listing failed; a tenant in neither map is `unknown`. */
  problems?: ReadonlyMap<string, ListingProblem>;
  defaultQuota?: number;
  /** Names kept per list for display; counts are always exact. */
  sampleLimit?: number;
}

interface TenantState {
  plan: TenantPlan;
  /** Creates still fitting under the quota. */
  budget: number;
  listed: boolean;
}

/**
 * Assembles a plan one input item at a time, with no I/O (changesets' "assemble the plan").
 * Memory grows with the number of tenants and the sample limit, never with the rows.
 */
export class PlanBuilder {
  private readonly tenants = new Map<string, TenantState>();
  private readonly limit: number;
  private rows = 0;

  constructor(private readonly ctx: PlanContext) {
    this.limit = Math.max(0, ctx.sampleLimit ?? DEFAULT_SAMPLE_LIMIT);
  }

  add(item: InputItem): void {
    this.rows++;
    if (item.kind === 'problem') {
      const p = item.problem;
      const state = this.tenant(p.tenant);
      const row = {
        line: p.line,
        name: p.appName,
        reason: p.reason,
        ...(p.firstLine !== undefined ? { firstLine: p.firstLine } : {}),
      };
      this.push(p.status === 'duplicate_in_input' ? state.plan.duplicate : state.plan.invalid, row);
      return;
    }
    const { tenant, appName: name, line } = item.row;
    const state = this.tenant(tenant);
    if (!state.listed) {
      this.push(state.plan.unchecked, { line, name });
      return;
    }
    const appId = this.ctx.existing.get(tenant)?.get(name);
    if (appId !== undefined) {
      this.push(state.plan.exists, { line, name, appId });
    } else if (state.budget > 0) {
      state.budget--;
      this.push(state.plan.toCreate, { line, name });
    } else {
      this.push(state.plan.overQuota, { line, name });
    }
  }

  build(): Plan {
    const tenants = [...this.tenants.values()].map((s) => s.plan);
    const sum = (pick: (t: TenantPlan) => Sample<unknown>) =>
      tenants.reduce((n, t) => n + pick(t).count, 0);
    return {
      tenants,
      totals: {
        tenants: tenants.length,
        rows: this.rows,
        toCreate: sum((t) => t.toCreate),
        exists: sum((t) => t.exists),
        overQuota: sum((t) => t.overQuota),
        unchecked: sum((t) => t.unchecked),
        invalid: sum((t) => t.invalid),
        duplicate: sum((t) => t.duplicate),
        tenantProblems: tenants.filter((t) => t.problem !== undefined).length,
      },
      sampleLimit: this.limit,
    };
  }

  private tenant(id: string): TenantState {
    const hit = this.tenants.get(id);
    if (hit) return hit;
    const quota = this.ctx.quotas.get(id) ?? this.ctx.defaultQuota ?? FALLBACK_QUOTA;
    const apps = this.ctx.existing.get(id);
    const problem =
      this.ctx.problems?.get(id) ??
      (apps === undefined
        ? {
            kind: 'unknown' as const,
            code: 'ERR_NOT_LISTED',
            message: 'apps of this tenant were not listed',
          }
        : undefined);
    const plan: TenantPlan = {
      tenant: id,
      quota,
      ...(apps !== undefined && !problem ? { accountApps: apps.size } : {}),
      ...(problem ? { problem } : {}),
      toCreate: empty(),
      exists: empty(),
      overQuota: empty(),
      unchecked: empty(),
      invalid: empty(),
      duplicate: empty(),
    };
    const state: TenantState = {
      plan,
      budget: Math.max(0, quota - (apps?.size ?? 0)),
      listed: apps !== undefined && !problem,
    };
    this.tenants.set(id, state);
    return state;
  }

  private push<T>(sample: Sample<T>, item: T): void {
    sample.count++;
    if (sample.items.length < this.limit) sample.items.push(item);
  }
}

/** The whole plan from rows already in hand (tests, small inputs). */
export function buildPlan(
  items: Iterable<InputItem>,
  existing: ReadonlyMap<string, ReadonlyMap<string, string>>,
  quotas: ReadonlyMap<string, number>,
  options: Omit<PlanContext, 'existing' | 'quotas'> = {},
): Plan {
  const builder = new PlanBuilder({ ...options, existing, quotas });
  for (const item of items) builder.add(item);
  return builder.build();
}

/** The same from a stream (e.g. `readInput`), holding no rows. */
export async function buildPlanFrom(
  items: AsyncIterable<InputItem>,
  ctx: PlanContext,
): Promise<Plan> {
  const builder = new PlanBuilder(ctx);
  for await (const item of items) builder.add(item);
  return builder.build();
}

function empty<T>(): Sample<T> {
  return { count: 0, items: [] };
}
