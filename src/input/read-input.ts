import type { InputItem } from '../domain/row';
import { readCsvRecords } from './csv-reader';
import { DigestIndex } from './digest-index';
import type { InputFormat } from './format';
import { readJsonRecords } from './json-reader';
import { readJsonlRecords } from './jsonl-reader';
import type { RawRecord } from './raw-record';
import { asInputError, bytesOf, openFile } from './source';
import { createValidator, type ValidationOptions } from './validate';

export interface ReadOptions extends ValidationOptions {
  format: InputFormat;
  /** Names the input in error messages when `source` is a stream (a path names itself). */
  label?: string;
}

const READERS: Record<
  InputFormat,
  (source: AsyncIterable<Buffer>, label: string) => AsyncIterable<RawRecord>
> = { csv: readCsvRecords, json: readJsonRecords, jsonl: readJsonlRecords };

/**
 * Streams validated rows and row problems in input order. Only the duplicate index grows with
 * the input; a file that cannot be read at all throws InputError (possibly after earlier rows).
 */
export async function* readInput(
  source: NodeJS.ReadableStream | string,
  options: ReadOptions,
): AsyncGenerator<InputItem> {
  const label = typeof source === 'string' ? source : (options.label ?? 'input');
  const stream = typeof source === 'string' ? await openFile(source) : source;
  const validate = createValidator(options);
  const seen = new DigestIndex();
  const records = READERS[options.format](bytesOf(stream), label);
  try {
    for await (const raw of records) {
      const item = validate(raw);
      if (item.kind === 'row') {
        const { tenant, appName, line, extra } = item.row;
        const firstLine = seen.firstLineOrAdd(tenant, appName, line);
        if (firstLine !== undefined) {
          yield {
            kind: 'problem',
            problem: {
              line,
              tenant,
              appName,
              extra,
              status: 'duplicate_in_input',
              firstLine,
              reason: `same tenant and app_name as line ${firstLine}`,
            },
          };
          continue;
        }
      }
      yield item;
    }
  } catch (error) {
    throw asInputError(label, error);
  }
}
