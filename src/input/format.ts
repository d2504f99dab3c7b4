import { extname } from 'node:path';
import { InputError } from '../domain/errors';

export type InputFormat = 'csv' | 'json' | 'jsonl';

const BY_NAME: Record<string, InputFormat> = {
  csv: 'csv',
  txt: 'csv',
  json: 'json',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
};

/** The format named by `override` (e.g. `--format`), else the one the file extension implies. */
export function detectFormat(path: string, override?: string): InputFormat {
  if (override !== undefined && override !== '') {
    const format = BY_NAME[override.trim().toLowerCase()];
    if (format === undefined || override.trim().toLowerCase() === 'txt') {
      throw new InputError(`unknown input format \`${override}\` (use csv, json or jsonl)`);
    }
    return format;
  }
  const ext = extname(path).slice(1).toLowerCase();
  const format = BY_NAME[ext];
  if (format === undefined) {
    throw new InputError(
      `${path}: cannot tell the input format from the name (pass --format csv, json or jsonl)`,
    );
  }
  return format;
}
