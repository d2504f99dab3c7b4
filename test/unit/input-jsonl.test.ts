import { Readable } from 'node:stream';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { InputItem } from '../../src/domain/row';
import { readInput } from '../../src/input';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/input/${name}`, import.meta.url));

async function collect(items: AsyncIterable<InputItem>): Promise<InputItem[]> {
  const out: InputItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function chunked(bytes: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

function brief(items: InputItem[]) {
  return items.map((i) =>
    i.kind === 'row'
      ? [i.row.line, 'row', i.row.tenant, i.row.appName]
      : [i.problem.line, i.problem.status, i.problem.firstLine],
  );
}

describe('JSON Lines input', () => {
  it('reads names and objects per physical line; bad lines become problems, not crashes', async () => {
    const items = await collect(readInput(fixture('mixed.jsonl'), { format: 'jsonl' }));
    expect(brief(items)).toEqual([
      [1, 'row', 'default', 'one'],
      [2, 'row', 'acme', 'two'],
      [4, 'invalid_input', undefined],
      [6, 'invalid_input', undefined],
      [7, 'duplicate_in_input', 1],
    ]);
    const bad = items[2];
    expect(bad?.kind === 'problem' && bad.problem.appName).toBe('{"app_name": "three", oops}');
  });

  it('gives the same result in 7-byte and 1-byte chunks', async () => {
    const bytes = await readFile(fixture('mixed.jsonl'));
    const whole = await collect(readInput(chunked(bytes, bytes.length), { format: 'jsonl' }));
    for (const size of [1, 7]) {
      expect(await collect(readInput(chunked(bytes, size), { format: 'jsonl' }))).toEqual(whole);
    }
  });

  it('reads a last line without a newline and carries extras', async () => {
    const items = await collect(
      readInput(Readable.from(['{"name":"a","ref":1}\n{"name":"b","ref":"x"}']), {
        format: 'jsonl',
      }),
    );
    expect(items.map((i) => i.kind === 'row' && [i.row.line, i.row.extra])).toEqual([
      [1, { ref: '1' }],
      [2, { ref: 'x' }],
    ]);
  });

  it('refuses a line longer than a megabyte instead of buffering it', async () => {
    const huge = Buffer.alloc(2 * 1024 * 1024, 'x');
    await expect(
      collect(readInput(chunked(huge, 64 * 1024), { format: 'jsonl' })),
    ).rejects.toMatchObject({ code: 'ERR_INPUT' });
  });
});
