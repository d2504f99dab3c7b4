import { InputError } from '../domain/errors';
import { recordFromJson, type RawRecord } from './raw-record';

const MAX_LINE_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;

/** Splits a byte stream into physical lines (LF or CRLF), 1-based, without a leading BOM. */
export async function* linesOf(
  source: AsyncIterable<Buffer>,
  label: string,
): AsyncGenerator<{ line: number; text: string }> {
  let pending: Buffer[] = [];
  let pendingSize = 0;
  let line = 0;
  const emit = (bytes: Buffer) => {
    line += 1;
    let text = bytes.toString('utf8');
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return { line, text };
  };
  for await (const chunk of source) {
    let from = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, from)) {
      const piece = chunk.subarray(from, nl);
      yield emit(pending.length === 0 ? piece : Buffer.concat([...pending, piece]));
      pending = [];
      pendingSize = 0;
      from = nl + 1;
    }
    if (from < chunk.length) {
      pendingSize += chunk.length - from;
      if (pendingSize > MAX_LINE_BYTES) {
        throw new InputError(
          `${label}: line ${line + 1} is longer than ${MAX_LINE_BYTES} bytes; expected one app per line`,
        );
      }
      pending.push(Buffer.from(chunk.subarray(from)));
    }
  }
  if (pending.length > 0) yield emit(Buffer.concat(pending));
}

/** JSON Lines: one name or object per line; a line that is not JSON is a bad row, not a crash. */
export async function* readJsonlRecords(
  source: AsyncIterable<Buffer>,
  label: string,
): AsyncGenerator<RawRecord> {
  for await (const { line, text } of linesOf(source, label)) {
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield {
        line,
        appName: text,
        tenant: undefined,
        extra: {},
        defect: `line ${line} is not valid JSON (${(error as Error).message})`,
      };
      continue;
    }
    yield recordFromJson(value, line, `line ${line}`);
  }
}
