import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { InputItem } from '../../src/domain/row';
import { detectFormat, readInput } from '../../src/input';

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

async function read(name: string): Promise<InputItem[]> {
  const path = example(name);
  const out: InputItem[] = [];
  for await (const item of readInput(path, { format: detectFormat(path) })) out.push(item);
  return out;
}

describe('demo inputs under examples/', () => {
  it('migration.csv: 3 tenants under quota, one invalid row, one duplicate', async () => {
    const items = await read('migration.csv');
    const rows = items.flatMap((i) => (i.kind === 'row' ? [i.row] : []));
    const problems = items.flatMap((i) => (i.kind === 'problem' ? [i.problem] : []));
    expect(problems.map((p) => [p.line, p.status, p.firstLine])).toEqual([
      [10, 'invalid_input', undefined],
      [12, 'duplicate_in_input', 2],
    ]);
    const perTenant = new Map<string, number>();
    for (const row of rows) perTenant.set(row.tenant, (perTenant.get(row.tenant) ?? 0) + 1);
    expect([...perTenant.keys()].sort()).toEqual(['acme', 'globex', 'initech']);
    for (const count of perTenant.values()) expect(count).toBeLessThan(20);
    expect(rows.some((r) => r.tenant === 'acme' && r.appName === 'acme-legacy-portal')).toBe(true);
    expect(rows.find((r) => r.appName === 'acme-sales-demo')?.extra).toEqual({
      customer_ref: 'CR-1006, trial account',
    });
  });

  it.each([
    ['names.txt', 10],
    ['apps.json', 6],
    ['apps.jsonl', 6],
  ])('%s: %i clean rows', async (name, count) => {
    const items = await read(name);
    expect(items.filter((i) => i.kind === 'row')).toHaveLength(count);
    expect(items).toHaveLength(count);
  });
});
