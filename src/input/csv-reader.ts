import { pipeline, Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { InputError } from '../domain/errors';
import { APP_NAME_ALIASES, isKnownColumn, mapColumns, type ColumnMap } from './columns';
import type { RawRecord } from './raw-record';

const MAX_RECORD_BYTES = 1024 * 1024;

/** Physical line breaks (\n, so \r\n counts once) inside a record's quoted fields. */
function lineBreaks(fields: readonly string[]): number {
  let breaks = 0;
  for (const field of fields) {
    for (let i = field.indexOf('\n'); i !== -1; i = field.indexOf('\n', i + 1)) breaks += 1;
  }
  return breaks;
}

function isBlank(fields: readonly string[]): boolean {
  return fields.every((f) => f.trim() === '');
}

/**
 * Streams CSV records as raw records. The first non-blank record is the header when it names an
 * app name column; a single-column file without one is a plain list of names.
 * `line` is the physical line where the record starts (1-based, header counted).
 */
export async function* readCsvRecords(
  source: AsyncIterable<Buffer>,
  label: string,
): AsyncGenerator<RawRecord> {
  // Empty lines are not skipped by csv-parse: they arrive as [''] and keep our line count exact
  // (its `info.lines` counts \r\n inside quotes twice and costs an object per record).
  const parser = parse({
    bom: true,
    relax_column_count: true,
    record_delimiter: ['\r\n', '\n'],
    max_record_size: MAX_RECORD_BYTES,
  });
  // Errors of the source reach the parser (pipeline destroys it with them) and so the loop below.
  pipeline(Readable.from(source), parser, () => {});
  let columns: ColumnMap | 'list' | undefined;
  let width = 1;
  let nextLine = 1;
  try {
    for await (const fields of parser as AsyncIterable<string[]>) {
      const line = nextLine;
      nextLine += 1 + lineBreaks(fields);
      if (isBlank(fields)) continue;
      if (columns === undefined) {
        columns = headerOf(fields, label);
        width = fields.length;
        if (columns !== 'list') continue;
      }
      yield toRecord(fields, line, columns, width);
    }
  } catch (error) {
    if (error instanceof CsvError) {
      throw new InputError(
        `${label}: not valid CSV (${error.message}); fix the quoting: wrap a value containing ` +
          'commas, quotes or line breaks in double quotes and double any quote inside it',
        { cause: error },
      );
    }
    throw error;
  }
}

function headerOf(fields: readonly string[], label: string): ColumnMap | 'list' {
  const mapped = mapColumns(fields);
  if (mapped !== undefined) return mapped;
  if (fields.length === 1 && !isKnownColumn(fields[0] ?? '')) return 'list';
  const found = fields.map((f) => f.trim()).join(', ');
  throw new InputError(
    `${label}: no app name column; name one of ${APP_NAME_ALIASES.join(', ')} (found: ${found})`,
  );
}

function toRecord(
  fields: readonly string[],
  line: number,
  columns: ColumnMap | 'list',
  width: number,
): RawRecord {
  const record: RawRecord =
    columns === 'list'
      ? { line, appName: fields[0] ?? '', tenant: undefined, extra: {} }
      : {
          line,
          appName: fields[columns.appName] ?? '',
          tenant: columns.tenant === undefined ? undefined : fields[columns.tenant],
          extra: Object.fromEntries(columns.extra.map(([i, key]) => [key, fields[i] ?? ''])),
        };
  if (fields.length > width) {
    record.defect =
      `the line has ${fields.length} values but the header has ${width} ` +
      '(wrap values containing commas in double quotes)';
  }
  return record;
}
