import type { Outcome } from '../domain/outcome';
import { SummaryAccumulator, writeReport, type ReportFormat, type Summary } from '../report';
import type { RunMeta, RunStore } from './run-store';

/** Streams a run's outcomes, in input order, into the report file and the summary at once. */
export async function writeRunReport(
  store: RunStore,
  meta: RunMeta,
  options: { path: string; format: ReportFormat; finishedAt: number },
): Promise<{ rows: number; path: string; summary: Summary }> {
  const acc = new SummaryAccumulator();
  async function* tapped(): AsyncGenerator<Outcome> {
    for await (const o of store.outcomesInOrder(meta.id, meta.maxLine ?? 0)) {
      acc.add(o);
      yield o;
    }
  }
  const written = await writeReport(tapped(), {
    path: options.path,
    format: options.format,
    extraColumns: meta.extraColumns,
  });
  const summary = acc.result({
    runId: meta.id,
    startedAt: meta.createdAt,
    finishedAt: options.finishedAt,
  });
  return { ...written, summary };
}
