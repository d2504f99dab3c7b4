import { systemClock } from '../../infra/clock';
import { runProgress, type RunProgress } from '../../runs/wait-for-run';
import { ensureRedis } from '../ensure';
import { print, type CliIo } from '../io';
import { openProducer } from '../runtime';
import { settingsFrom, type RunFlags } from './run';

/** `status [run-id]`: one run's counts per status and tenant (or the list of runs). */
export async function statusCommand(
  runId: string | undefined,
  flags: RunFlags & { json?: boolean; watch?: boolean },
  io: CliIo,
): Promise<number> {
  const settings = settingsFrom(flags, io.env);
  await ensureRedis(settings.redisUrl, io.logger);
  const producer = openProducer(settings);
  try {
    if (!runId) {
      const runs = await producer.store.list(50);
      if (flags.json) print(io, JSON.stringify(runs));
      else
        for (const r of runs)
          print(
            io,
            `${r.id}  ${r.state.padEnd(9)}  ${new Date(r.createdAt).toISOString()}  ${r.total ?? '?'} rows  ${r.source}`,
          );
      return 0;
    }
    for (;;) {
      const p = await runProgress(producer.store, runId);
      const held = await producer.store.held(runId);
      if (flags.json) print(io, JSON.stringify({ ...p, held }));
      else print(io, formatStatus(p, held));
      if (!flags.watch || p.settled || io.signal.aborted) return 0;
      await systemClock.sleep(1000, io.signal).catch(() => {});
    }
  } finally {
    await producer.close();
  }
}

export function formatStatus(
  p: RunProgress,
  held: Record<string, { code: string; message: string }>,
): string {
  const lines = [
    `run ${p.meta.id}  ${p.meta.state}${p.settled ? ' (settled)' : ''}  ${p.counts.done + p.counts.held}/${p.meta.total ?? '?'} rows  source ${p.meta.source}`,
  ];
  lines.push(
    Object.entries(p.counts.byStatus)
      .map(([s, n]) => `${s} ${n}`)
      .join('  ') + (p.counts.held ? `  held ${p.counts.held}` : ''),
  );
  const tenants = Object.entries(p.counts.byTenant).sort(([a], [b]) => a.localeCompare(b));
  if (tenants.length) {
    lines.push('tenant'.padEnd(24) + 'created  exists  failed  other   held  note');
    for (const [t, c] of tenants.slice(0, 50)) {
      const other = Object.entries(c)
        .filter(([s]) => !['created', 'exists', 'failed', 'held'].includes(s))
        .reduce((a, [, n]) => a + (n ?? 0), 0);
      const note = held[t] ? `HELD ${held[t].code}: resume with --tenant ${t}` : '';
      lines.push(
        t.padEnd(24) +
          [c.created ?? 0, c.exists ?? 0, c.failed ?? 0, other, c.held ?? 0]
            .map((n) => String(n).padStart(7))
            .join(' ') +
          `  ${note}`,
      );
    }
    if (tenants.length > 50) lines.push(`… ${tenants.length - 50} more tenants (--json for all)`);
  }
  return lines.join('\n');
}
