import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { InputItem } from '../../src/domain/row';
import { JsonArrayScanner, MAX_ELEMENT_BYTES, readInput } from '../../src/input';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/input/${name}`, import.meta.url));

async function collect(items: AsyncIterable<InputItem>): Promise<InputItem[]> {
  const out: InputItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function chunked(text: string | Buffer, size: number): Readable {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

const json = (text: string | Buffer, size = 64 * 1024) =>
  collect(readInput(chunked(text, size), { format: 'json' }));

function names(items: InputItem[]) {
  return items.map((i) =>
    i.kind === 'row'
      ? [i.row.line, i.row.tenant, i.row.appName]
      : [i.problem.line, i.problem.status],
  );
}

describe('JSON input', () => {
  it('reads an array of strings; line is the 1-based element index', async () => {
    expect(names(await json(' [ "a" ,\n\n "b","c" ] \n'))).toEqual([
      [1, 'default', 'a'],
      [2, 'default', 'b'],
      [3, 'default', 'c'],
    ]);
  });

  it('reads an array of objects with header-like keys and stringified extras', async () => {
    const items = await json(
      '[{"App_Name":"x","TENANT":"acme","n":5,"ok":false,"o":{"k":[1]},"s":"t","z":null}]',
    );
    expect(items).toEqual([
      {
        kind: 'row',
        row: {
          line: 1,
          tenant: 'acme',
          appName: 'x',
          extra: { n: '5', ok: 'false', o: '{"k":[1]}', s: 't', z: '' },
        },
      },
    ]);
  });

  it('reads { "apps": [...] } and skips other keys, whatever they hold', async () => {
    const items = await collect(readInput(fixture('apps-wrapper.json'), { format: 'json' }));
    expect(names(items)).toEqual([
      [1, 'default', 'plain-name'],
      [2, 'acme', 'acme-eu-live-01'],
      [3, 'globex', 'globex "town" [hall] {x}'],
      [4, 'default', 'café-東京'],
    ]);
    const third = items[2];
    expect(third?.kind === 'row' && third.row.extra).toEqual({
      priority: '3',
      active: 'true',
      tags: '["a","b"]',
      owner: '',
    });
  });

  it('handles escapes, brackets inside strings, nested objects and a BOM', async () => {
    const text =
      '\ufeff[ "q\\"]\\\\", {"app_name": "n\\u00e9", "meta": {"a": ["}", {"b": "]"}]}}, "\\\\" ]';
    const items = await json(text);
    expect(names(items)).toEqual([
      [1, 'default', 'q"]\\'],
      [2, 'default', 'né'],
      [3, 'default', '\\'],
    ]);
  });

  it('gives the same result for every chunk size, including splits inside UTF-8 characters', async () => {
    const bytes = await readFile(fixture('apps-wrapper.json'));
    const whole = await json(Buffer.concat([Buffer.from('\ufeff'), bytes]));
    for (const size of [1, 2, 3, 7]) {
      expect(await json(Buffer.concat([Buffer.from('\ufeff'), bytes]), size)).toEqual(whole);
    }
    expect(whole).toHaveLength(4);
  });

  it('flags elements of the wrong type as invalid_input, one by one', async () => {
    const items = await json('["ok", 7, null, true, ["x"], {"tenant": "acme"}, {"app_name": 5}]');
    expect(names(items)).toEqual([
      [1, 'default', 'ok'],
      [2, 'invalid_input'],
      [3, 'invalid_input'],
      [4, 'invalid_input'],
      [5, 'invalid_input'],
      [6, 'invalid_input'],
      [7, 'invalid_input'],
    ]);
  });

  it('reads an empty array and an empty apps list as no rows', async () => {
    expect(await json('[]')).toEqual([]);
    expect(await json('{"apps": []}')).toEqual([]);
  });

  it.each([
    ['empty input', ''],
    ['a bare string', '"abc"'],
    ['an unterminated array', '["a", "b"'],
    ['an unterminated string', '["a'],
    ['a trailing comma', '["a",]'],
    ['a missing comma', '["a" "b"]'],
    ['data after the end', '["a"] ["b"]'],
    ['no apps key', '{"names": ["a"]}'],
    ['apps not an array', '{"apps": "a"}'],
    ['a broken element', '[{"app_name": }]'],
    ['a bad literal', '[nul]'],
    ['a bad escape in a key', '{"a\\x": 1, "apps": []}'],
  ])('rejects %s with an InputError', async (_what, text) => {
    await expect(json(text)).rejects.toMatchObject({ code: 'ERR_INPUT' });
  });

  it('names the line and byte of a syntax error', async () => {
    const error = await json('[\n  "a",\n  ?\n]').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_INPUT' });
    expect((error as Error).message).toContain('line 3, column 3 (byte 11)');
  });

  it('yields the elements before a syntax error, then throws', async () => {
    const seen: string[] = [];
    const run = async () => {
      for await (const item of readInput(chunked('["a", "b", ?]', 3), { format: 'json' })) {
        if (item.kind === 'row') seen.push(item.row.appName);
      }
    };
    await expect(run()).rejects.toMatchObject({ code: 'ERR_INPUT' });
    expect(seen).toEqual(['a', 'b']);
  });
});

describe('JsonArrayScanner', () => {
  it('keeps no more than one element in memory and refuses a huge one', () => {
    const scanner = new JsonArrayScanner('big.json');
    scanner.push(Buffer.from('["'));
    const block = Buffer.alloc(64 * 1024, 'x');
    expect(() => {
      for (let sent = 0; sent <= MAX_ELEMENT_BYTES; sent += block.length) scanner.push(block);
    }).toThrow(expect.objectContaining({ code: 'ERR_INPUT' }) as Error);
  });

  it('returns raw element text with its starting line and byte', () => {
    const scanner = new JsonArrayScanner('x.json');
    const elements = [...scanner.push(Buffer.from('[\n 12,\n {"a": [1, 2]}\n]'))];
    scanner.end();
    expect(elements).toEqual([
      { text: '12', line: 2, offset: 3 },
      { text: '{"a": [1, 2]}', line: 3, offset: 8 },
    ]);
  });
});
