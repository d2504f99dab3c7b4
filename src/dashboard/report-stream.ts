import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { outcomeToJson, outcomeToRecord, reportColumns, type ReportFormat } from '../report';
import type { RunMeta, RunStore } from '../runs/run-store';

/**
 * A run's report as a stream, with the same columns and values as `writeReport`'s files, read in
 * batches from Redis with backpressure: a 100k-row report never sits in memory.
 */
export function reportStream(store: RunStore, meta: RunMeta, format: ReportFormat): Readable {
  const outcomes = store.outcomesInOrder(meta.id, meta.maxLine ?? 0);
  if (format === 'csv') {
    async function* records() {
      for await (const o of outcomes) yield outcomeToRecord(o, meta.extraColumns);
    }
    return Readable.from(records()).pipe(
      stringify({ header: true, columns: reportColumns(meta.extraColumns), eof: true }),
    );
  }
  async function* lines() {
    for await (const o of outcomes)
      yield `${JSON.stringify(outcomeToJson(o, meta.extraColumns))}\n`;
  }
  return Readable.from(lines());
}
