import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Outcome } from '../domain/outcome';
import { outcomeToJson, outcomeToRecord, reportColumns } from './record';

export type ReportFormat = 'csv' | 'jsonl';

export interface ReportOptions {
  path: string;
  format: ReportFormat;
  extraColumns: string[];
}

/**
 * Streams outcomes to a report file with backpressure. Writes `path.tmp` and renames it, so a
 * reader never sees half a report and a crash leaves the previous one in place.
 */
export async function writeReport(
  outcomes: AsyncIterable<Outcome> | Iterable<Outcome>,
  options: ReportOptions,
): Promise<{ rows: number; path: string }> {
  const { path, format, extraColumns } = options;
  const tmp = `${path}.tmp`;
  let rows = 0;
  async function* counted(): AsyncGenerator<Outcome> {
    for await (const outcome of outcomes) {
      rows += 1;
      yield outcome;
    }
  }
  await mkdir(dirname(path), { recursive: true });
  try {
    if (format === 'csv') {
      const records = Readable.from(mapAsync(counted(), (o) => outcomeToRecord(o, extraColumns)));
      const csv = stringify({ header: true, columns: reportColumns(extraColumns), eof: true });
      await pipeline(records, csv, createWriteStream(tmp));
    } else {
      const lines = mapAsync(
        counted(),
        (o) => `${JSON.stringify(outcomeToJson(o, extraColumns))}\n`,
      );
      await pipeline(Readable.from(lines), createWriteStream(tmp));
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  return { rows, path };
}

async function* mapAsync<T, U>(items: AsyncIterable<T>, map: (item: T) => U): AsyncGenerator<U> {
  for await (const item of items) yield map(item);
}
