import { writeRunReport } from '../../runs/run-report';
import { runProgress } from '../../runs/wait-for-run';
import { formatSummary } from '../../report';
import { defaultReportPath } from '../finish-run';
import { requireRedis } from '../redis-setup';
import { print, type CliIo } from '../io';
import { findRun } from '../run-lookup';
import { openProducer } from '../runtime';
import { reportFormatOf, settingsFrom, type RunFlags } from './run';

/** `report <run-id>`: (re)writes a run's report from the outcomes in Redis. */
export async function reportCommand(runId: string, flags: RunFlags, io: CliIo): Promise<number> {
  const settings = settingsFrom(flags, io.env);
  const format = reportFormatOf(flags.reportFormat, flags.report);
  await requireRedis(settings.redisUrl, io.logger);
  const producer = openProducer(settings);
  try {
    const meta = await findRun(producer.store, runId, settings.prefix, io);
    if (!meta) return 2;
    const progress = await runProgress(producer.store, runId);
    const path = flags.report ?? defaultReportPath(runId, format);
    const { rows, summary } = await writeRunReport(producer.store, meta, {
      path,
      format,
      finishedAt: meta.finishedAt ?? Date.now(),
    });
    print(io, formatSummary(summary));
    print(io, `report: ${path} (${rows} rows)`);
    if (!progress.settled) {
      const pending = (meta.total ?? 0) - progress.counts.done - progress.counts.held;
      io.stderr.write(
        `rtc-provisioner: run ${runId} is not finished: ${meta.enqueueDone ? `${pending} of ${meta.total} rows have no outcome yet` : 'its input was not fully queued'}; the report lists only the rows that have one. Finish it with: rtc-provisioner resume ${runId}\n`,
      );
      return 1;
    }
    return summary.exitCode;
  } finally {
    await producer.close();
  }
}
