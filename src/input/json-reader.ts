import { InputError } from '../domain/errors';
import { JsonArrayScanner, type ScannedElement } from './json-array-scanner';
import { recordFromJson, type RawRecord } from './raw-record';

/**
 * Streams the elements of a JSON array (of names or objects) or of `{ "apps": [...] }`.
 * For JSON, `line` is the 1-based element index, not a physical line: elements may span lines.
 */
export async function* readJsonRecords(
  source: AsyncIterable<Buffer>,
  label: string,
): AsyncGenerator<RawRecord> {
  const scanner = new JsonArrayScanner(label);
  let index = 0;
  for await (const chunk of source) {
    for (const element of scanner.push(chunk)) {
      index += 1;
      yield recordFromJson(parseElement(element, index, label), index, `element ${index}`);
    }
  }
  scanner.end();
}

function parseElement(element: ScannedElement, index: number, label: string): unknown {
  try {
    return JSON.parse(element.text);
  } catch (error) {
    throw new InputError(
      `${label}: invalid JSON in element ${index} (line ${element.line}, byte ${element.offset}): ` +
        `${(error as Error).message}; fix the file`,
      { cause: error },
    );
  }
}
