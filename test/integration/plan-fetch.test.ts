import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planCommand } from '../../src/cli/commands/plan';
import type { CliIo } from '../../src/cli/io';
import {
  openProducer,
  openWorkerRuntime,
  tenantSource,
  toEmulatorTenant,
} from '../../src/cli/runtime';
import { resolveSettings, type Settings } from '../../src/config/settings';
import { parseTenants, type TenantsFile } from '../../src/config/tenants';
import { buildEmulator, type BuiltEmulator } from '../../src/emulator';
import { systemClock } from '../../src/infra/clock';
import { producerConnection } from '../../src/infra/redis';
import { silentLogger } from '../../src/infra/logger';
import { readInput } from '../../src/input';
import { fetchPlanInputs, listExisting, tenantsInInput } from '../../src/plan/plan-inputs';
import { buildPlanFrom } from '../../src/plan/planner';
import { enqueueItems } from '../../src/queue/producer';
import { newRunId } from '../../src/runs/keys';
import { waitForRun } from '../../src/runs/wait-for-run';
import { tempFile } from '../helpers/pipeline';
import { deletePrefix, redisUrl, testPrefix, testRedis } from '../helpers/redis';

const credentials = {
  big: { token: 'token-big', quota: 200 },
  small: { ak: 'AK_SMALL', sk: 'sk-small', projectId: 'p-small' },
  bad: { ak: 'AK_BAD', sk: 'sk-right', projectId: 'p-bad' },
};
const bigApps = Array.from({ length: 150 }, (_, i) => `big-old-${i}`);

describe('plan against the emulator and a real Redis', () => {
  let emulator: BuiltEmulator;
  let url: string;
  let requests: string[];
  let prefix: string;
  let settings: Settings;
  /** What the client uses: `bad` has a wrong SK. */
  let clientTenants: TenantsFile;

  beforeEach(async () => {
    prefix = testPrefix('plan');
    settings = resolveSettings({ redisUrl: redisUrl(), prefix, rate: '1000/1s' }, {});
    const emulatorTenants = [...parseTenants({ tenants: credentials }).values()].map(
      toEmulatorTenant,
    );
    emulator = buildEmulator({
      tenants: emulatorTenants,
      rate: { max: 1000, windowMs: 1000 },
      preload: { big: bigApps, small: ['small-old'] },
    });
    requests = [];
    emulator.app.addHook('onRequest', (req, _reply, done) => {
      requests.push(`${req.method} ${req.url}`);
      done();
    });
    await emulator.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(emulator.app.server.address() as AddressInfo).port}`;
    clientTenants = parseTenants({
      tenants: { ...credentials, bad: { ...credentials.bad, sk: 'sk-wrong' } },
    });
  });

  afterEach(async () => {
    await emulator.app.close();
    const r = testRedis();
    await deletePrefix(r, prefix);
    r.disconnect();
  });

  const inputCsv = () => {
    const rows = ['tenant,app_name'];
    for (const n of ['big-old-0', 'big-old-149', 'big-old-120']) rows.push(`big,${n}`);
    for (let i = 0; i < 60; i++) rows.push(`big,big-new-${i}`);
    rows.push('small,small-old', 'small,small-new', 'small,', 'small,small-new');
    rows.push('bad,bad-1', 'bad,bad-2');
    return rows.join('\n') + '\n';
  };

  it('pages a tenant with more than 100 apps (offset = page number) through the limiter and plans exists / create / over quota', async () => {
    const file = await tempFile('plan.csv', inputCsv());
    const source = tenantSource(clientTenants, undefined);
    const redis = producerConnection(settings.redisUrl);
    try {
      const ids = await tenantsInInput(file, 'csv', source.known);
      expect(ids).toEqual(['big', 'small', 'bad']);
      const listing = await listExisting(ids, {
        settings,
        tenants: source,
        endpoint: url,
        iamEndpoint: url,
        redis,
        logger: silentLogger(),
      });
      const plan = await buildPlanFrom(
        readInput(file, { format: 'csv', knownTenants: source.known! }),
        {
          existing: listing.existing,
          quotas: listing.quotas,
          problems: listing.problems,
        },
      );

      const bigPages = requests.filter(
        (r) => r.startsWith('GET /v2/apps') && r.includes('offset='),
      );
      expect(requests.every((r) => r.startsWith('GET /v2/apps?'))).toBe(true);
      expect(bigPages.filter((r) => /offset=1\b/.test(r))).toHaveLength(1);
      expect(listing.existing.get('big')!.size).toBe(150);
      expect(listing.calls).toBe(requests.length);
      // Each call took a slot in the shared limiter (the workers' rate budget).
      expect(await redis.zcard(`${prefix}:limit:big`)).toBe(2);

      const [big, small, bad] = plan.tenants;
      expect(big!.exists.count).toBe(3);
      expect(big!.exists.items[1]).toMatchObject({
        name: 'big-old-149',
        appId: listing.existing.get('big')!.get('big-old-149'),
      });
      // quota 200 − 150 apps already there: 50 of the 60 new names fit.
      expect(big!.toCreate.count).toBe(50);
      expect(big!.overQuota.count).toBe(10);
      expect(big!.overQuota.items[0]!.name).toBe('big-new-50');
      expect(small).toMatchObject({ accountApps: 1 });
      expect(small!.exists.count).toBe(1);
      expect(small!.toCreate.count).toBe(1);
      expect(small!.invalid.count).toBe(1);
      expect(small!.duplicate.count).toBe(1);
      expect(bad!.problem).toMatchObject({ kind: 'refused', code: 'APIGW.0301', httpStatus: 401 });
      expect(bad!.unchecked.count).toBe(2);
      expect(emulator.stats().keys.AK_BAD!.failures).toBe(1);
      expect(emulator.apps()).toHaveLength(151);
    } finally {
      redis.disconnect();
    }
  });

  it('`plan <file> --tenants … --endpoint …` prints the plan, exits 0 and sends only GET /v2/apps', async () => {
    const file = await tempFile('plan.csv', inputCsv());
    const tenantsPath = await tempFile(
      'tenants.json',
      JSON.stringify({ tenants: { ...credentials, bad: { ...credentials.bad, sk: 'sk-wrong' } } }),
    );
    const out = capture();
    const code = await planCommand(
      file,
      { tenants: tenantsPath, endpoint: url, redisUrl: settings.redisUrl, prefix, rate: '1000/1s' },
      out.io,
    );
    expect(code).toBe(0);
    expect(out.text()).toMatch(
      /big: 50 to create, 3 exist \(big-old-0 → [0-9a-f]{32}, .*\), 10 over quota, 0 invalid, 0 duplicate/,
    );
    expect(out.text()).toContain(
      '  over quota (quota 200, 150 apps already in the account):\n    line 55 big-new-50\n',
    );
    expect(out.text()).toMatch(
      /small: 1 to create, 1 exists \(small-old → [0-9a-f]{32}\), 0 over quota, 1 invalid, 1 duplicate/,
    );
    expect(out.text()).toContain('bad: credentials refused (HTTP 401 APIGW.0301');
    expect(out.text()).toContain('No writes were made.');
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r.startsWith('GET /v2/apps?'))).toBe(true);
    expect(emulator.apps()).toHaveLength(151);

    const json = capture();
    expect(
      await planCommand(
        file,
        {
          tenants: tenantsPath,
          endpoint: url,
          redisUrl: settings.redisUrl,
          prefix,
          rate: '1000/1s',
          json: true,
        },
        json.io,
      ),
    ).toBe(0);
    const plan = JSON.parse(json.text()) as { totals: { toCreate: number; exists: number } };
    expect(plan.totals).toMatchObject({ toCreate: 51, exists: 4 });
  });

  it('run with the plan: a second run of the same file sends no create, every row is `exists` with its app id', async () => {
    const rows = [
      'tenant,app_name',
      ...Array.from({ length: 5 }, (_, i) => `small,small-run-${i}`),
    ];
    const file = await tempFile('again.csv', rows.join('\n') + '\n');
    const source = tenantSource(clientTenants, undefined);
    const producer = openProducer(settings);
    const runtime = openWorkerRuntime({
      settings,
      tenants: source,
      endpoint: url,
      iamEndpoint: url,
      logger: silentLogger(),
    });
    runtime.start();
    try {
      const runOnce = async () => {
        const runId = newRunId(new Date(), randomBytes(4).toString('hex'));
        await producer.store.create({
          id: runId,
          source: file,
          format: 'csv',
          createdAt: Date.now(),
          state: 'enqueuing',
          enqueueDone: false,
          extraColumns: [],
          tenants: [],
          options: {},
        });
        // What run.ts does by default (see the lead's edit): plan, record existing counts, enqueue.
        const plan = await fetchPlanInputs(file, 'csv', {
          settings,
          tenants: source,
          endpoint: url,
          iamEndpoint: url,
          redis: producer.redis,
          logger: silentLogger(),
        });
        await producer.store.setExisting(runId, plan.existingCounts);
        const enq = await enqueueItems(
          readInput(file, { format: 'csv', knownTenants: source.known! }),
          { queue: producer.queue, store: producer.store },
          { runId, settings: { prefix, attempts: 6 }, existing: plan.existing },
        );
        await producer.store.update(runId, {
          state: 'running',
          enqueueDone: true,
          total: enq.total,
          maxLine: enq.maxLine,
        });
        await waitForRun(producer.store, runId, { clock: systemClock, intervalMs: 20 });
        const outcomes = [];
        for await (const o of producer.store.outcomesInOrder(runId, enq.maxLine)) outcomes.push(o);
        return { plan, outcomes };
      };

      const first = await runOnce();
      expect(first.plan.existingCounts).toEqual({ small: 1 });
      expect(first.outcomes.map((o) => o.status)).toEqual(Array(5).fill('created'));

      requests.length = 0;
      const second = await runOnce();
      expect(second.plan.existingCounts).toEqual({ small: 6 });
      expect(second.outcomes.map((o) => o.status)).toEqual(Array(5).fill('exists'));
      expect(second.outcomes.map((o) => o.appId)).toEqual(first.outcomes.map((o) => o.appId));
      expect(requests.every((r) => r.startsWith('GET /v2/apps?'))).toBe(true);
      expect(emulator.apps().filter((a) => a.tenant === 'small')).toHaveLength(6);
    } finally {
      await runtime.close(2000);
      await producer.close();
    }
  });
});

function capture() {
  let text = '';
  const sink = () =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        text += chunk.toString();
        cb();
      },
    });
  const io: CliIo = {
    stdout: sink(),
    stderr: new Writable({ write: (_c, _e, cb) => cb() }),
    env: {},
    isTTY: false,
    logger: silentLogger(),
    signal: new AbortController().signal,
  };
  return { io, text: () => text };
}
