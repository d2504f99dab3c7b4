import { join } from 'node:path';
import { formatSummary, type ReportFormat, type Summary } from '../report';
import type { RunStore } from '../runs/run-store';
import { writeRunReport } from '../runs/run-report';
import { print, type CliIo } from './io';

export function defaultReportPath(runId: string, format: ReportFormat): string {
  return join('reports', `${runId}.${format === 'csv' ? 'csv' : 'jsonl'}`);
}

/** Writes the report and summary of a settled run; returns the exit code (0 / 1). */
export async function finishRun(
  store: RunStore,
  runId: string,
  options: { report?: string; format: ReportFormat },
  io: CliIo,
): Promise<{ exitCode: 0 | 1; summary: Summary; reportPath: string }> {
  const meta = await store.get(runId);
  if (!meta) throw new Error(`run ${runId} not found`);
  const held = await store.held(runId);
  // The last outcome already finished it (with its time), unless rows are held.
  const finishedAt = meta.finishedAt ?? Date.now();
  await store.update(runId, { state: 'finished', finishedAt });
  const path = options.report ?? defaultReportPath(runId, options.format);
  const { summary, rows } = await writeRunReport(
    store,
    { ...meta, finishedAt },
    { path, format: options.format, finishedAt },
  );
  print(io, formatSummary(summary));
  print(io, `report: ${path} (${rows} rows)`);
  for (const [tenant, reason] of Object.entries(held)) {
    print(
      io,
      `tenant ${tenant} is held: ${reason.code} ${reason.message}. Fix its credentials, then: rtc-provisioner resume ${runId} --tenant ${tenant}`,
    );
  }
  return { exitCode: summary.exitCode, summary, reportPath: path };
}
