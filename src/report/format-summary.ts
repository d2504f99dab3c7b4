import { STATUSES, type Status } from '../domain/status';
import type { Summary } from './summary';

export const TOP_TENANTS = 20;

/** The summary as an operator reads it at the end of a run. */
export function formatSummary(s: Summary): string {
  const lines = [
    `Run ${s.runId}: ${s.total} ${s.total === 1 ? 'row' : 'rows'} in ${seconds(s.wallMs)} ` +
      `(${s.rowsPerSecond} rows/s), ${s.startedAt} → ${s.finishedAt}`,
    '',
  ];
  const width = Math.max(...STATUSES.map((x) => x.length));
  for (const status of STATUSES) {
    lines.push(`  ${status.padEnd(width)}  ${String(s.byStatus[status]).padStart(8)}`);
  }
  const tenants = Object.entries(s.byTenant)
    .map(([tenant, counts]) => ({ tenant, counts, total: sum(counts) }))
    .sort((a, b) => b.total - a.total || a.tenant.localeCompare(b.tenant));
  if (tenants.length > 0) {
    lines.push('', ...tenantTable(tenants.slice(0, TOP_TENANTS), s));
    const more = tenants.length - TOP_TENANTS;
    if (more > 0) lines.push(`  … ${more} more ${more === 1 ? 'tenant' : 'tenants'}`);
  }
  const failed = s.total - s.byStatus.created - s.byStatus.exists;
  lines.push(
    '',
    s.exitCode === 0
      ? 'Every row is created or exists (exit 0).'
      : `${failed} ${failed === 1 ? 'row did' : 'rows did'} not end created or exists (exit 1): see the report.`,
  );
  return lines.join('\n');
}

function tenantTable(
  tenants: Array<{ tenant: string; counts: Partial<Record<Status, number>>; total: number }>,
  s: Summary,
): string[] {
  // Only statuses that occur anywhere get a column: eight mostly-zero columns hide the story.
  const statuses = STATUSES.filter((status) => s.byStatus[status] > 0);
  const header = ['tenant', 'total', ...statuses];
  const rows = tenants.map((t) => [
    t.tenant,
    String(t.total),
    ...statuses.map((status) => String(t.counts[status] ?? 0)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const render = (cells: string[]) =>
    '  ' +
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [render(header), ...rows.map(render)];
}

function sum(counts: Partial<Record<Status, number>>): number {
  return Object.values(counts).reduce((n, c) => n + c, 0);
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}
