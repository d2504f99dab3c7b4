import type { ListingProblem, Plan, Sample, TenantPlan } from './plan';

/** Existing apps named on the tenant's own line; the rest go to the detail lines. */
const INLINE_EXISTS = 3;

/** The plan for people: a line per tenant, capped details, totals, and the promise of no writes. */
export function formatPlan(plan: Plan, source?: string): string {
  const t = plan.totals;
  const lines = [
    `Plan${source ? ` for ${source}` : ''}: ${t.rows} ${plural(t.rows, 'row')}, ${t.tenants} ${plural(t.tenants, 'tenant')}`,
  ];
  for (const tenant of plan.tenants) lines.push(...tenantLines(tenant));
  const calls = plan.listing
    ? ` (${plan.listing.calls} GET /v2/apps ${plural(plan.listing.calls, 'call')})`
    : '';
  lines.push(
    `Total: ${t.toCreate} to create, ${t.exists} exist, ${t.overQuota} over quota, ${t.invalid} invalid, ${t.duplicate} duplicate` +
      (t.unchecked ? `, ${t.unchecked} not checked` : '') +
      calls,
  );
  if (t.tenantProblems)
    lines.push(
      `${t.tenantProblems} ${plural(t.tenantProblems, 'tenant')} could not be listed: fix ${t.tenantProblems === 1 ? 'its' : 'their'} credentials and plan again.`,
    );
  lines.push('No writes were made.');
  return lines.join('\n') + '\n';
}

function tenantLines(p: TenantPlan): string[] {
  const problems = `${p.invalid.count} invalid, ${p.duplicate.count} duplicate`;
  const head = p.problem
    ? `${p.tenant}: ${problemText(p.problem)}; ${p.unchecked.count} ${plural(p.unchecked.count, 'row')} not checked, ${problems}`
    : `${p.tenant}: ${p.toCreate.count} to create, ${p.exists.count} ${p.exists.count === 1 ? 'exists' : 'exist'}${inlineExists(p.exists)}, ${p.overQuota.count} over quota, ${problems}`;
  const out = [head];
  if (p.exists.count > INLINE_EXISTS)
    out.push(...details('exists', p.exists, (r) => `line ${r.line} ${r.name} → ${r.appId}`));
  if (p.overQuota.count)
    out.push(
      ...details(
        `over quota (quota ${p.quota}, ${p.accountApps ?? 0} ${plural(p.accountApps ?? 0, 'app')} already in the account)`,
        p.overQuota,
        (r) => `line ${r.line} ${r.name}`,
      ),
    );
  out.push(...details('invalid', p.invalid, (r) => `line ${r.line}: ${r.reason}`));
  out.push(
    ...details('duplicate', p.duplicate, (r) =>
      r.firstLine !== undefined
        ? `line ${r.line} ${r.name} (first at line ${r.firstLine})`
        : `line ${r.line} ${r.name}: ${r.reason}`,
    ),
  );
  return out;
}

function inlineExists(s: Sample<{ name: string; appId: string }>): string {
  if (s.count === 0 || s.count > INLINE_EXISTS) return '';
  return ` (${s.items.map((r) => `${r.name} → ${r.appId}`).join(', ')})`;
}

function details<T>(label: string, s: Sample<T>, show: (item: T) => string): string[] {
  if (s.count === 0) return [];
  const out = [`  ${label}:`, ...s.items.map((item) => `    ${show(item)}`)];
  const more = s.count - s.items.length;
  if (more > 0) out.push(`    … and ${more} more`);
  return out;
}

function problemText(p: ListingProblem): string {
  const status = p.httpStatus !== undefined ? `HTTP ${p.httpStatus} ` : '';
  const rid = p.requestId ? `, request ${p.requestId}` : '';
  if (p.kind === 'refused') return `credentials refused (${status}${p.code}${rid})`;
  if (p.kind === 'unknown') return `no credentials (${p.code})`;
  return `apps could not be listed (${status}${p.code}${rid})`;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

/** `--json`: the plan as one JSON document (samples capped like the text). */
export function planToJson(plan: Plan): string {
  return JSON.stringify(plan, null, 2) + '\n';
}
