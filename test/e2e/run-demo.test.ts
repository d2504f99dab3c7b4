import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsv } from '../helpers/report';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { deletePrefix, redisUrl, testPrefix, testRedis } from '../helpers/redis';

describe('rtc-provisioner run examples/migration.csv --emulator', () => {
  const prefix = testPrefix('e2e');
  afterAll(async () => {
    const r = testRedis();
    await deletePrefix(r, prefix);
    r.disconnect();
  });

  it('provisions the demo file, writes a report with one line per row, and exits 1 for the bad rows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rtcp-e2e-'));
    const report = join(dir, 'report.csv');
    const res = await runCli(
      ['run', 'examples/migration.csv', '--emulator', '--report', report, '--prefix', prefix],
      {
        env: { REDIS_URL: redisUrl() },
      },
    );
    expect(res.stderr).not.toMatch(/rtc-provisioner: /);
    expect(res.code).toBe(1);
    const input = await readCsv('examples/migration.csv');
    const rows = await readCsv(report);
    expect(rows).toHaveLength(input.length);
    const count = (s: string) => rows.filter((r) => r.status === s).length;
    expect(count('exists')).toBe(1);
    expect(count('invalid_input')).toBe(1);
    expect(count('duplicate_in_input')).toBe(1);
    expect(count('created')).toBe(input.length - 3);
    const exists = rows.find((r) => r.status === 'exists')!;
    expect(exists.app_name).toBe('acme-legacy-portal');
    // Found by the plan's listing: its app id and the listing's request id, never sent.
    expect(exists.app_id).toMatch(/^[0-9a-f]{32}$/);
    expect(exists.request_id).toMatch(/^[0-9a-f]{32}$/);
    expect(exists.attempts).toBe('0');
    for (const r of rows.filter((x) => x.status === 'created')) {
      expect(r.app_id).toMatch(/^[0-9a-f]{32}$/);
      expect(r.request_id).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(rows.map((r) => r.customer_ref)).toEqual(input.map((r) => r.customer_ref));
    // The summary: counts per status, wall time and throughput.
    expect(res.stdout).toMatch(/created\s+\d+/);
    expect(res.stdout).toMatch(/rows\/s/);
    expect(res.stdout).toContain(`report: ${report} (${input.length} rows)`);

    // `status` shows the same run: a table for people, JSON for scripts.
    const runId = /Run (r[\w-]+)/.exec(res.stdout)![1]!;
    const status = await runCli(['status', runId, '--prefix', prefix], {
      env: { REDIS_URL: redisUrl() },
    });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(
      `run ${runId}  finished  100%  ${input.length}/${input.length} rows`,
    );
    expect(status.stdout).toMatch(/^acme\s+13\s+10\s+1\s+0\s+2\s+0\s+-/m);
    const json = await runCli(['status', runId, '--prefix', prefix, '--json'], {
      env: { REDIS_URL: redisUrl() },
    });
    const view = JSON.parse(json.stdout) as {
      progress: { percent: number };
      counts: { byStatus: Record<string, number> };
    };
    expect(view.progress.percent).toBe(100);
    expect(view.counts.byStatus.exists).toBe(1);
  });

  it('exits 2 with a message that says what to do for a missing file and for missing credentials', async () => {
    const missing = await runCli(['run', 'examples/nope.csv', '--emulator', '--prefix', prefix], {
      env: { REDIS_URL: redisUrl() },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    const noCreds = await runCli(['run', 'examples/migration.csv', '--prefix', prefix], {
      env: {
        REDIS_URL: redisUrl(),
        HUAWEICLOUD_SDK_AK: '',
        HUAWEICLOUD_SDK_SK: '',
        RTC_AUTH_TOKEN: '',
      },
    });
    expect(noCreds.code).toBe(2);
    expect(noCreds.stderr).toMatch(/HUAWEICLOUD_SDK_AK.*--emulator/);
    const unreachable = await runCli(
      [
        'run',
        'examples/names.txt',
        '--endpoint',
        'http://127.0.0.1:1',
        '--prefix',
        prefix,
        '--quiet',
      ],
      { env: { REDIS_URL: redisUrl(), RTC_AUTH_TOKEN: 'token-for-nowhere' } },
    );
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/did not answer for any tenant.*check --endpoint/);
  });

  it('exits 3 when Redis is unreachable for a command that needs the shared one', async () => {
    const res = await runCli(['status', '--redis', 'redis://127.0.0.1:1'], {});
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/Redis is not reachable.*docker compose up -d redis/);
  });
});
