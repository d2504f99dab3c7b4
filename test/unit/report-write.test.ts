import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPORT_COLUMNS, type Outcome } from '../../src/domain/outcome';
import { writeReport } from '../../src/report';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function outcome(line: number, over: Partial<Outcome> = {}): Outcome {
  return {
    line,
    tenant: 'acme',
    appName: `app-${line}`,
    status: 'created',
    appId: line.toString(16).padStart(32, '0'),
    httpStatus: 201,
    requestId: `r${line}`,
    requestIds: [`r${line}`],
    attempts: 1,
    reconciled: false,
    durationMs: 12,
    extra: { customer_ref: `CR-${line}` },
    ...over,
  };
}

const awkward = outcome(2, {
  appName: 'café "東京", room\nnext line',
  status: 'rejected',
  errorCode: 'RTC.00001003',
  errorMsg: 'Invalid, "quoted"\r\nmessage',
  requestIds: ['a', 'b', 'c'],
  extra: { customer_ref: 'x,"y"\nz' },
});

describe('writeReport', () => {
  it('writes CSV that csv-parse reads back exactly (quotes, commas, newlines, UTF-8)', async () => {
    const path = join(dir, 'nested', 'deeper', 'report.csv');
    const result = await writeReport([outcome(1), awkward], {
      path,
      format: 'csv',
      extraColumns: ['customer_ref'],
    });
    expect(result).toEqual({ rows: 2, path });
    const text = await readFile(path, 'utf8');
    const [header, ...records] = parse(text);
    expect(header).toEqual([...REPORT_COLUMNS, 'customer_ref']);
    expect(records).toHaveLength(2);
    const back = parse<Record<string, string>>(text, { columns: true });
    expect(back[1]).toMatchObject({
      line: '2',
      app_name: 'café "東京", room\nnext line',
      error_msg: 'Invalid, "quoted"\r\nmessage',
      request_ids: 'a b c',
      customer_ref: 'x,"y"\nz',
      reconciled: 'false',
      http_status: '201',
    });
  });

  it('writes JSON Lines with typed values and the same keys', async () => {
    const path = join(dir, 'report.jsonl');
    await writeReport([awkward, outcome(3, { httpStatus: undefined })], {
      path,
      format: 'jsonl',
      extraColumns: ['customer_ref'],
    });
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(first ?? {})).toEqual([...REPORT_COLUMNS, 'customer_ref']);
    expect(first).toMatchObject({
      line: 2,
      app_name: awkward.appName,
      request_ids: ['a', 'b', 'c'],
      reconciled: false,
      customer_ref: 'x,"y"\nz',
    });
    expect(second).toMatchObject({ http_status: null, duration_ms: 12, attempts: 1 });
  });

  it('streams an async source with backpressure', async () => {
    async function* many() {
      for (let i = 1; i <= 20_000; i += 1) {
        if (i % 1000 === 0) await Promise.resolve();
        yield outcome(i);
      }
    }
    const path = join(dir, 'big.csv');
    expect(await writeReport(many(), { path, format: 'csv', extraColumns: [] })).toEqual({
      rows: 20_000,
      path,
    });
    const text = await readFile(path, 'utf8');
    expect(text.split('\n').filter(Boolean)).toHaveLength(20_001);
  });

  it('is atomic: a failing source leaves the previous report and no temp file', async () => {
    const path = join(dir, 'report.csv');
    await writeFile(path, 'previous report\n');
    async function* failing() {
      yield outcome(1);
      await Promise.resolve();
      throw new Error('redis went away');
    }
    await expect(writeReport(failing(), { path, format: 'csv', extraColumns: [] })).rejects.toThrow(
      'redis went away',
    );
    expect(await readFile(path, 'utf8')).toBe('previous report\n');
    expect(await readdir(dir)).toEqual(['report.csv']);
  });

  it('replaces an existing report and writes a header even with no rows', async () => {
    const path = join(dir, 'report.csv');
    await writeFile(path, 'old\n');
    expect(await writeReport([], { path, format: 'csv', extraColumns: ['ref'] })).toEqual({
      rows: 0,
      path,
    });
    expect(await readFile(path, 'utf8')).toBe(`${[...REPORT_COLUMNS, 'ref'].join(',')}\n`);
    expect(await readdir(dir)).toEqual(['report.csv']);
  });

  it('never writes secrets: outcomes carry none, and nothing else goes into the file', async () => {
    const secret = 'SK-9f8e7d6c5b4a';
    const path = join(dir, 'report.jsonl');
    // Even a stray property on an outcome (a bug elsewhere) must not reach the report.
    const leaky = { ...outcome(1), appKey: secret, sk: secret } as Outcome;
    await writeReport([leaky], { path, format: 'jsonl', extraColumns: [] });
    await writeReport([leaky], { path: join(dir, 'r.csv'), format: 'csv', extraColumns: [] });
    expect(await readFile(path, 'utf8')).not.toContain(secret);
    expect(await readFile(join(dir, 'r.csv'), 'utf8')).not.toContain(secret);
  });
});
