import { writeRunReport } from '../../runs/run-report';
import { formatSummary } from '../../report';
import { defaultReportPath } from '../finish-run';
import { ensureRedis } from '../ensure';
import { print, type CliIo } from '../io';
import { openProducer } from '../runtime';
import { reportFormatOf, settingsFrom, type RunFlags } from './run';

/** `report <run-id>`: (re)writes a run's report from the outcomes in Redis. */
export async function reportCommand(runId: string, flags: RunFlags, io: CliIo): Promise<number> {
  const settings = settingsFrom(flags, io.env);
  const format = reportFormatOf(flags.reportFormat);
  await ensureRedis(settings.redisUrl, io.logger);
  const producer = openProducer(settings);
  try {
    const meta = await producer.store.get(runId);
    if (!meta) {
      print(
        io,
        `run ${runId} not found under prefix ${settings.prefix} (list runs with: rtc-provisioner status)`,
      );
      return 2;
    }
    const path = flags.report ?? defaultReportPath(runId, format);
    const { rows, summary } = await writeRunReport(producer.store, meta, {
      path,
      format,
      finishedAt: meta.finishedAt ?? Date.now(),
    });
    print(io, formatSummary(summary));
    print(io, `report: ${path} (${rows} rows)`);
    return summary.exitCode;
  } finally {
    await producer.close();
  }
}
