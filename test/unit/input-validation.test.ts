import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { InputItem, RowProblem } from '../../src/domain/row';
import { createValidator, DigestIndex, readInput, type ReadOptions } from '../../src/input';

async function collect(items: AsyncIterable<InputItem>): Promise<InputItem[]> {
  const out: InputItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const jsonl = (lines: unknown[], options: Partial<ReadOptions> = {}) =>
  collect(
    readInput(Readable.from([lines.map((l) => JSON.stringify(l)).join('\n')]), {
      format: 'jsonl',
      ...options,
    }),
  );

const problem = (item: InputItem | undefined): RowProblem | undefined =>
  item?.kind === 'problem' ? item.problem : undefined;

describe('row validation', () => {
  const validate = createValidator();
  const check = (appName: unknown, tenant?: unknown) =>
    validate({ line: 9, appName, tenant, extra: { ref: 'r' } });

  it('accepts a trimmed name and fills in the default tenant', () => {
    expect(check('  acme-eu-live-01\t', '')).toEqual({
      kind: 'row',
      row: { line: 9, tenant: 'default', appName: 'acme-eu-live-01', extra: { ref: 'r' } },
    });
  });

  it.each([
    ['', 'app_name is empty'],
    ['   ', 'app_name is empty'],
    ['x'.repeat(70), 'app_name is 70 characters; the limit is 64'],
    ['bell\u0007ring', 'app_name contains a control character (U+0007)'],
    ['del\u007f', 'app_name contains a control character (U+007F)'],
    [12, 'app_name must be text, not a number'],
  ])('rejects %j: %s', (name, reason) => {
    const item = check(name);
    expect(problem(item)).toMatchObject({ status: 'invalid_input', reason, line: 9 });
  });

  it('counts characters as code points: 64 emoji fit, 65 do not', () => {
    expect(check('😀'.repeat(64)).kind).toBe('row');
    expect(problem(check('😀'.repeat(65)))?.reason).toBe(
      'app_name is 65 characters; the limit is 64',
    );
  });

  it('honours maxNameLength and defaultTenant', () => {
    const strict = createValidator({ maxNameLength: 3, defaultTenant: 'main' });
    expect(strict({ line: 1, appName: 'abc', tenant: undefined, extra: {} })).toMatchObject({
      row: { tenant: 'main' },
    });
    expect(strict({ line: 1, appName: 'abcd', tenant: undefined, extra: {} }).kind).toBe('problem');
  });

  it.each([['bad tenant'], ['-leading'], ['a'.repeat(65)], ['acme:eu']])(
    'rejects tenant %j',
    (tenant) => {
      const p = problem(check('name', tenant));
      expect(p?.status).toBe('invalid_input');
      expect(p?.reason).toContain('not a valid tenant id');
      expect(p?.tenant).toBe(tenant);
    },
  );

  it('reports every problem of a row in one reason', () => {
    expect(problem(check('', 'bad tenant'))?.reason).toMatch(/app_name is empty; tenant/);
  });

  it('rejects tenants missing from knownTenants, including the default one', () => {
    const known = createValidator({ knownTenants: new Set(['acme']) });
    expect(known({ line: 1, appName: 'a', tenant: 'acme', extra: {} }).kind).toBe('row');
    expect(problem(known({ line: 2, appName: 'a', tenant: 'globex', extra: {} }))?.reason).toBe(
      'unknown tenant `globex` (add it to the tenants file)',
    );
    expect(problem(known({ line: 3, appName: 'a', tenant: '', extra: {} }))?.status).toBe(
      'invalid_input',
    );
  });
});

describe('duplicates', () => {
  it('points every repeat at the first line of the same tenant + trimmed name', async () => {
    const items = await jsonl([
      { tenant: 'acme', app_name: 'a' },
      { tenant: 'globex', app_name: 'a' },
      { tenant: 'acme', app_name: ' a ' },
      'a',
      { tenant: 'acme', app_name: 'a' },
      { tenant: 'default', app_name: 'a' },
    ]);
    expect(
      items.map((i) => (i.kind === 'row' ? 'row' : [i.problem.firstLine, i.problem.reason])),
    ).toEqual([
      'row',
      'row',
      [1, 'same tenant and app_name as line 1'],
      'row',
      [1, 'same tenant and app_name as line 1'],
      [4, 'same tenant and app_name as line 4'],
    ]);
    expect(problem(items[2])).toMatchObject({ status: 'duplicate_in_input', tenant: 'acme' });
  });

  it('does not count an invalid row as a first occurrence', async () => {
    const items = await jsonl([{ app_name: 'a', tenant: 'bad tenant' }, { app_name: 'a' }]);
    expect(items.map((i) => i.kind)).toEqual(['problem', 'row']);
  });

  it('keeps tenant and name apart (a\\0b is not a + b)', async () => {
    const items = await jsonl([
      { tenant: 'ab', app_name: 'c' },
      { tenant: 'a', app_name: 'bc' },
    ]);
    expect(items.map((i) => i.kind)).toEqual(['row', 'row']);
  });
});

describe('DigestIndex', () => {
  it('remembers first lines across growth', () => {
    const index = new DigestIndex(16);
    for (let i = 1; i <= 5000; i += 1)
      expect(index.firstLineOrAdd('t', `n${i}`, i)).toBeUndefined();
    expect(index.size).toBe(5000);
    for (let i = 1; i <= 5000; i += 97) expect(index.firstLineOrAdd('t', `n${i}`, 9999)).toBe(i);
    expect(index.firstLineOrAdd('u', 'n1', 6000)).toBeUndefined();
  });
});
