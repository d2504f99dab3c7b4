import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTenants } from '../../src/config/tenants';
import { toEmulatorTenant } from '../../src/cli/runtime';
import { startEmulator } from '../../src/emulator';
import { runCli } from '../helpers/cli';
import { deletePrefix, redisUrl, testPrefix, testRedis } from '../helpers/redis';

/** Distinctive values that must never leave the worker's memory. */
const SECRETS = {
  ACME_SK: 'SKsecret-acme-7f3a9c21e4b8',
  ACME_STS: 'STSsecret-acme-session-55aa',
  BAD_SK: 'SKsecret-wrong-bad-0c0c0c',
  BAD_STS: 'STSsecret-bad-session-9e9e',
  GLOBEX_TOKEN: 'TOKsecret-globex-31337',
  INITECH_PW: 'PWsecret-initech-hunter2',
};

async function dumpPrefix(redis: Redis, prefix: string): Promise<string> {
  const parts: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      parts.push(key);
      const type = await redis.type(key);
      if (type === 'string') parts.push((await redis.get(key)) ?? '');
      else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
      else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1)));
      else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    }
  } while (cursor !== '0');
  return parts.join('\n');
}

describe('secrets', () => {
  const prefix = testPrefix('secrets');
  const redis = testRedis();
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('never reach stdout, stderr, the report or any Redis key or value', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rtcp-secrets-'));
    const tenants = join(dir, 'tenants.json');
    // `bad` is wrong on the client side only: the emulator learns the same file, so flip it after.
    await writeFile(
      tenants,
      JSON.stringify({
        tenants: {
          acme: {
            ak: 'AKACMESCAN',
            sk: 'env:ACME_SK',
            projectId: 'p-acme',
            securityToken: 'env:ACME_STS',
          },
          globex: { token: 'env:GLOBEX_TOKEN' },
          initech: {
            iam: {
              domain: 'initech',
              user: 'bot',
              password: 'env:INITECH_PW',
              projectName: 'cn-north-4',
            },
          },
          bad: {
            ak: 'AKBADSCAN',
            sk: 'env:BAD_SK',
            projectId: 'p-bad',
            securityToken: 'env:BAD_STS',
          },
        },
      }),
    );
    const input = join(dir, 'rows.csv');
    await writeFile(
      input,
      [
        'tenant,app_name,note',
        ...['acme', 'globex', 'initech', 'bad'].flatMap((t) =>
          [0, 1, 2].map((i) => `${t},${t}-app-${i},n${i}`),
        ),
      ].join('\n') + '\n',
    );
    const csvReport = join(dir, 'report.csv');
    const env = { REDIS_URL: redisUrl(), LOG_LEVEL: 'debug', ...SECRETS };
    // The emulator knows another SK for `bad`: a signature mismatch, whose message echoes the request.
    const file = parseTenants(JSON.parse(await readFile(tenants, 'utf8')), 'tenants', {
      ...process.env,
      ...SECRETS,
      BAD_SK: 'the-real-bad-sk',
    });
    const emulator = await startEmulator({ tenants: [...file.values()].map(toEmulatorTenant) });
    const run = await runCli(
      [
        'run',
        input,
        '--tenants',
        tenants,
        '--endpoint',
        emulator.url,
        '--iam-endpoint',
        emulator.url,
        '--prefix',
        prefix,
        '--report',
        csvReport,
      ],
      { env },
    );
    // The plan's listing was the one failing call: the run held the tenant before any POST.
    expect(emulator.stats().keys.AKBADSCAN!.failures).toBe(1);
    await emulator.close();
    expect(run.stderr).not.toMatch(/rtc-provisioner: /);
    expect(run.code).toBe(1);
    expect(await readFile(csvReport, 'utf8')).toContain('APIGW.0301');
    const report = await runCli(
      [
        'report',
        run.stdout.match(/Run (r[\w-]+)/)![1]!,
        '--prefix',
        prefix,
        '--report-format',
        'jsonl',
        '--report',
        join(dir, 'report.jsonl'),
      ],
      { env },
    );
    const haystacks = {
      stdout: run.stdout + report.stdout,
      stderr: run.stderr + report.stderr,
      csv: await readFile(csvReport, 'utf8'),
      jsonl: await readFile(join(dir, 'report.jsonl'), 'utf8'),
      redis: await dumpPrefix(redis, prefix),
    };
    expect(haystacks.redis.length).toBeGreaterThan(1000);
    expect(haystacks.csv).toContain('acme-app-0');
    for (const [where, text] of Object.entries(haystacks)) {
      for (const [name, secret] of Object.entries(SECRETS)) {
        expect(text.includes(secret), `${name} found in ${where}`).toBe(false);
      }
    }
  });
});
