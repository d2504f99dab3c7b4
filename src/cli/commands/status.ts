import { systemClock } from '../../infra/clock';
import { loadRunView, type RunView } from '../../runs/run-view';
import { requireRedis } from '../redis-setup';
import { print, type CliIo } from '../io';
import { openProducer } from '../runtime';
import { settingsFrom, type RunFlags } from './run';

const FAILURES_SHOWN = 10;

/** `status [run-id]`: the run page's figures in a terminal (or the list of runs). */
export async function statusCommand(
  runId: string | undefined,
  flags: RunFlags & { json?: boolean; watch?: boolean },
  io: CliIo,
): Promise<number> {
  const settings = settingsFrom(flags, io.env);
  await requireRedis(settings.redisUrl, io.logger);
  const producer = openProducer(settings);
  try {
    if (!runId) {
      const runs = await producer.store.list(50);
      if (flags.json) print(io, JSON.stringify(runs));
      else if (runs.length === 0) print(io, `no runs under prefix ${settings.prefix}`);
      else
        for (const r of runs)
          print(
            io,
            `${r.id}  ${r.state.padEnd(9)}  ${new Date(r.createdAt).toISOString()}  ${r.total ?? '?'} rows  ${r.source}`,
          );
      return 0;
    }
    for (;;) {
      const view = await loadRunView(
        { redis: producer.redis, store: producer.store, prefix: settings.prefix },
        runId,
        { failures: true },
      );
      if (!view) {
        io.stderr.write(
          `rtc-provisioner: run ${runId} not found under prefix ${settings.prefix} (list runs with: rtc-provisioner status --prefix ${settings.prefix})\n`,
        );
        return 2;
      }
      print(io, flags.json ? JSON.stringify(view) : formatStatus(view));
      if (!flags.watch || view.progress.complete || io.signal.aborted) return 0;
      await systemClock.sleep(1000, io.signal).catch(() => {});
    }
  } finally {
    await producer.close();
  }
}

export function formatStatus(v: RunView): string {
  const { meta, progress, counts } = v;
  const lines = [
    `run ${meta.id}  ${meta.state}  ${progress.percent}%  ${progress.settled}/${progress.total ?? '?'} rows  source ${meta.source}`,
    Object.entries(counts.byStatus)
      .map(([s, n]) => `${s} ${n}`)
      .join('  ') + (counts.held ? `  held ${counts.held}` : ''),
  ];
  if (v.tenants.length) {
    lines.push(
      '',
      `${'tenant'.padEnd(20)}${['done', 'created', 'exists', 'failed', 'other', 'held', 'throttle'].map((h) => h.padStart(9)).join('')}  note`,
    );
    for (const t of v.tenants.slice(0, 50)) {
      const wait = t.throttleWaitMs ? `${(t.throttleWaitMs / 1000).toFixed(1)}s` : '-';
      const note = t.heldReason
        ? `HELD ${t.heldReason.code}: fix credentials, then resume ${meta.id} --tenant ${t.tenant}`
        : '';
      lines.push(
        t.tenant.padEnd(20) +
          [t.done, t.created, t.exists, t.failed, t.other, t.held, wait]
            .map((n) => String(n).padStart(9))
            .join('') +
          `  ${note}`,
      );
    }
    if (v.tenants.length > 50)
      lines.push(`… ${v.tenants.length - 50} more tenants (--json for all)`);
  }
  const failures = v.failures?.rows ?? [];
  if (failures.length) {
    lines.push(
      '',
      `rows not created or existing: ${v.unsuccessful}${failures.length > FAILURES_SHOWN ? ` (first ${FAILURES_SHOWN})` : ''}`,
    );
    for (const f of failures.slice(0, FAILURES_SHOWN)) {
      lines.push(
        `  line ${f.line}  ${f.tenant}  ${f.appName}  ${f.held ? 'held' : f.status}  ${f.errorCode ?? ''}  ${f.errorMsg ?? ''}  ${f.requestId ?? ''}`.trimEnd(),
      );
    }
  }
  return lines.join('\n');
}
