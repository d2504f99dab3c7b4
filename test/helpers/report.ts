import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';

export type CsvRow = Record<string, string>;

/** A CSV report (or input) as objects keyed by header. */
export async function readCsv(path: string): Promise<CsvRow[]> {
  return parse<CsvRow>(await readFile(path), { columns: true, bom: true });
}
