import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { InputItem } from '../../src/domain/row';
import { readInput, type ReadOptions } from '../../src/input';

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

const csv = (text: string, options: Partial<ReadOptions> = {}) =>
  collect(readInput(chunked(text, 64 * 1024), { format: 'csv', ...options }));

/** Compact view: [line, kind, tenant, name, reason?]. */
function brief(items: InputItem[]) {
  return items.map((i) =>
    i.kind === 'row'
      ? [i.row.line, 'row', i.row.tenant, i.row.appName]
      : [i.problem.line, i.problem.status, i.problem.tenant, i.problem.appName, i.problem.reason],
  );
}

describe('CSV input', () => {
  it('reads a BOM + CRLF file with quoted commas, quotes and line breaks, lines counted physically', async () => {
    const items = await collect(readInput(fixture('bom-crlf.csv'), { format: 'csv' }));
    expect(brief(items)).toEqual([
      [2, 'row', 'acme', 'acme-eu-live-01'],
      [3, 'row', 'acme', 'acme "quoted" room'],
      [
        4,
        'invalid_input',
        'globex',
        'globex\r\nsplit',
        'app_name contains a control character (U+000D)',
      ],
      [7, 'row', 'globex', 'globex-town-hall'],
      [10, 'row', 'initech', 'initech_support_rooms'],
    ]);
    const rows = items.flatMap((i) => (i.kind === 'row' ? [i.row] : []));
    expect(rows[1]?.extra).toEqual({ 'Customer Ref': 'CR-2, trial' });
    expect(rows[2]?.extra).toEqual({ 'Customer Ref': 'note\r\nline two\r\nline three' });
  });

  it('gives the same result when fed 7 bytes (or 1 byte) at a time', async () => {
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(fixture('bom-crlf.csv'));
    const whole = await collect(readInput(chunked(bytes, bytes.length), { format: 'csv' }));
    for (const size of [1, 2, 7]) {
      const pieces = await collect(readInput(chunked(bytes, size), { format: 'csv' }));
      expect(pieces).toEqual(whole);
    }
    expect(whole).toHaveLength(5);
  });

  it('counts lines right after LF quoted line breaks and skips blank lines', async () => {
    const items = await csv('app_name,note\n"a",x\n\n"b","1\n2\n3"\nc,y\n\n\nd,"\n"\ne,z\n');
    expect(brief(items).map((r) => [r[0], r[3]])).toEqual([
      [2, 'a'],
      [4, 'b'],
      [7, 'c'],
      [10, 'd'],
      [12, 'e'],
    ]);
  });

  it('matches header aliases case-insensitively and trims them', async () => {
    for (const header of ['app_name', 'NAME', ' App Name ', 'AppName', 'app-name']) {
      const items = await csv(`${header},Tenant\nmy-app,acme\n`);
      expect(brief(items)).toEqual([[2, 'row', 'acme', 'my-app']]);
    }
  });

  it('prefers app_name over the other aliases and carries every other column in extra', async () => {
    const items = await csv(
      'name,tenant,app_name,Customer Ref,notes\nlabel,acme,real,CR-1,"a, b"\n',
    );
    expect(items).toEqual([
      {
        kind: 'row',
        row: {
          line: 2,
          tenant: 'acme',
          appName: 'real',
          extra: { name: 'label', 'Customer Ref': 'CR-1', notes: 'a, b' },
        },
      },
    ]);
  });

  it('reads a single column without a known header as a plain list of names', async () => {
    const items = await collect(readInput(fixture('names.txt'), { format: 'csv' }));
    expect(brief(items)).toEqual([
      [1, 'row', 'default', 'demo-live-01'],
      [2, 'row', 'default', 'demo-live-02'],
      [3, 'row', 'default', 'demo-town-hall'],
    ]);
  });

  it('uses the default tenant when the tenant column is missing or empty', async () => {
    const items = await csv('app_name,tenant\na,\nb, acme \n', { defaultTenant: 'main' });
    expect(brief(items)).toEqual([
      [2, 'row', 'main', 'a'],
      [3, 'row', 'acme', 'b'],
    ]);
  });

  it('fills short rows with empty values and flags rows with more values than the header', async () => {
    const items = await csv('tenant,app_name,ref\nacme,short\nacme,a,b,c\n');
    expect(items[0]).toEqual({
      kind: 'row',
      row: { line: 2, tenant: 'acme', appName: 'short', extra: { ref: '' } },
    });
    expect(items[1]?.kind === 'problem' && items[1].problem.status).toBe('invalid_input');
  });

  it('flags a headerless list line that holds a comma instead of cutting the name', async () => {
    const items = await csv('alpha\nbeta,gamma\n');
    expect(brief(items)[1]?.[1]).toBe('invalid_input');
  });

  it('skips rows whose values are all empty (spreadsheet exports) but not a row with only a ref', async () => {
    const items = await csv('tenant,app_name,ref\n,,\nacme,,CR-9\n');
    expect(brief(items)).toEqual([[3, 'invalid_input', 'acme', '', 'app_name is empty']]);
  });

  it('returns nothing for an empty file', async () => {
    expect(await csv('')).toEqual([]);
    expect(await csv('\ufeff\r\n\r\n')).toEqual([]);
  });

  it('rejects a multi-column file without an app name column, naming the columns found', async () => {
    const error = await collect(readInput(fixture('no-name-column.csv'), { format: 'csv' })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'ERR_INPUT' });
    expect((error as Error).message).toContain('found: a, b');
  });

  it('rejects a header that has a tenant column but no app name column', async () => {
    await expect(csv('tenant\nacme\n')).rejects.toMatchObject({ code: 'ERR_INPUT' });
  });

  it('turns broken quoting into an InputError', async () => {
    await expect(csv('app_name\n"unterminated\n')).rejects.toMatchObject({ code: 'ERR_INPUT' });
    await expect(csv('app_name,x\nab"c",1\n')).rejects.toMatchObject({ code: 'ERR_INPUT' });
  });

  it('reports a missing file or a directory as an InputError', async () => {
    await expect(
      collect(readInput(fixture('does-not-exist.csv'), { format: 'csv' })),
    ).rejects.toMatchObject({ code: 'ERR_INPUT' });
    await expect(collect(readInput(fixture(''), { format: 'csv' }))).rejects.toMatchObject({
      code: 'ERR_INPUT',
    });
  });

  it('passes a failing source stream on as an error instead of hanging', async () => {
    async function* broken() {
      yield Buffer.from('app_name\na\n');
      await Promise.resolve();
      throw Object.assign(new Error('disk gone'), { code: 'EIO' });
    }
    const error = await collect(readInput(Readable.from(broken()), { format: 'csv' })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'ERR_INPUT' });
  });

  it('stops reading when the consumer stops early', async () => {
    const source = chunked('app_name\n' + 'x\n'.repeat(10), 4);
    for await (const item of readInput(source, { format: 'csv' })) {
      expect(item.kind).toBe('row');
      break;
    }
    // Resolves once the source is torn down (a leak would time the test out).
    await finished(source).catch(() => undefined);
    expect(source.destroyed).toBe(true);
  });
});
