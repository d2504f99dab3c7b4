import { pino } from 'pino';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../../src/config/tenants';
import { startEmulator, type Emulator } from '../../src/emulator';
import { ManualClock, systemClock, type Clock } from '../../src/infra/clock';
import { classify } from '../../src/rtc/classify';
import { createRtcClient } from '../../src/rtc/client';
import { findAppByName, listAllApps } from '../../src/rtc/find-app';

// The emulator verifies signatures and tokens independently of the client (it imports only
// src/signing and src/domain), so these tests are the client against a second implementation.
const MODES: Array<{ mode: string; tenant: string; credentials: Credentials }> = [
  {
    mode: 'token',
    tenant: 't-token',
    credentials: { type: 'token', token: 'static-token-secret' },
  },
  {
    mode: 'aksk',
    tenant: 't-aksk',
    credentials: {
      type: 'aksk',
      ak: 'AKEMULATOR',
      sk: 'sk-emulator-secret',
      projectId: 'proj-aksk',
      securityToken: 'sts-secret',
    },
  },
  {
    mode: 'password (IAM)',
    tenant: 't-iam',
    credentials: {
      type: 'password',
      domain: 'dom',
      user: 'usr',
      password: 'iam-pass-secret',
      projectName: 'cn-north-4',
    },
  },
];
const SECRETS = ['static-token-secret', 'sk-emulator-secret', 'sts-secret', 'iam-pass-secret'];

let emulator: Emulator;
const agent = new Agent();

beforeAll(async () => {
  emulator = await startEmulator({
    rate: false,
    defaultQuota: 20,
    tenants: [
      { id: 't-token', token: 'static-token-secret' },
      {
        id: 't-aksk',
        ak: 'AKEMULATOR',
        sk: 'sk-emulator-secret',
        projectId: 'proj-aksk',
        securityToken: 'sts-secret',
      },
      {
        id: 't-iam',
        iam: { domain: 'dom', user: 'usr', password: 'iam-pass-secret', projectName: 'cn-north-4' },
      },
      { id: 't-full', token: 'full-token', quota: 1 },
    ],
  });
});
afterAll(async () => {
  await emulator.close();
  await agent.close();
});

function clientFor(tenant: string, credentials: Credentials, clock: Clock = systemClock) {
  const lines: string[] = [];
  const c = createRtcClient(
    {
      endpoint: emulator.url,
      credentials,
      tenantId: tenant,
      iamEndpoint: emulator.url,
      timeoutMs: 5_000,
    },
    {
      dispatcher: agent,
      clock,
      logger: pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) }),
    },
  );
  return { c, lines };
}

describe.each(MODES)('against the emulator, $mode', ({ tenant, credentials }) => {
  it('creates, lists with paging, shows and deletes', async () => {
    const { c, lines } = clientFor(tenant, credentials);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const created = await c.createApp(`应用-${tenant}-${i}`);
      const k = classify(created);
      expect(k.kind).toBe('created');
      expect(created.requestId).toMatch(/\w+/);
      if (k.kind === 'created') ids.push(k.appId);
    }

    const dup = await c.createApp(`应用-${tenant}-0`);
    expect(classify(dup)).toEqual({ kind: 'exists' });
    expect(dup.requestId).toBeDefined();

    const calls: string[] = [];
    const found = await findAppByName(c, `应用-${tenant}-4`, {
      pageSize: 2,
      beforeCall: () => Promise.resolve(void calls.push('limit')),
    });
    expect(found.appId).toBe(ids[4]);
    expect(found.calls).toBe(3);
    expect(calls).toHaveLength(3);
    expect(new Set(found.requestIds).size).toBe(3);
    const missing = await findAppByName(c, 'not-there', { pageSize: 2 });
    expect(missing).toMatchObject({ calls: 3 });
    expect(missing.appId).toBeUndefined();
    expect((await listAllApps(c, { pageSize: 3 })).apps.map((a) => a.app_id)).toEqual(ids);

    const shown = await c.getApp(ids[0]!);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ app_id: ids[0], app_name: `应用-${tenant}-0` });
    expect(
      (shown.body as { authentication: Record<string, unknown> }).authentication,
    ).not.toHaveProperty('app_key');

    for (const id of ids) expect((await c.deleteApp(id)).status).toBe(204);
    const gone = await c.getApp(ids[0]!);
    expect(gone.status).toBe(404);
    expect(classify(gone)).toMatchObject({ kind: 'rejected', code: 'RTC.00001003' });
    expect((await listAllApps(c)).apps).toEqual([]);

    const log = lines.join('\n');
    for (const s of SECRETS) expect(log).not.toContain(s);
  });
});

describe('against the emulator, failures', () => {
  it('quota reached → quota', async () => {
    const { c } = clientFor('t-full', { type: 'token', token: 'full-token' });
    expect(classify(await c.createApp('one')).kind).toBe('created');
    expect(classify(await c.createApp('two'))).toEqual({ kind: 'quota' });
  });

  it('a wrong SK → auth APIGW.0301', async () => {
    const { c } = clientFor('t-aksk', {
      ...(MODES[1]!.credentials as Extract<Credentials, { type: 'aksk' }>),
      sk: 'wrong',
    });
    const refused = await c.listApps({ offset: 0, limit: 1 });
    expect(classify(refused)).toMatchObject({ kind: 'auth', code: 'APIGW.0301' });
    // The gateway echoes the canonical request (with X-Security-Token) in error_msg.
    expect(refused.errorMsg).toContain('canonicalRequest');
    expect(JSON.stringify(refused)).not.toContain('sts-secret');
    const thrown = await findAppByName(c, 'x').catch((e: unknown) => e);
    expect((thrown as Error).message).toContain('APIGW.0301');
    expect((thrown as Error).message).not.toContain('sts-secret');
  });

  it('a local clock 20 minutes fast → APIGW.0305 and one skew warning', async () => {
    const clock = new ManualClock(Date.now() + 20 * 60_000);
    const { c, lines } = clientFor('t-aksk', MODES[1]!.credentials, clock);
    const r = await c.listApps({ offset: 0, limit: 1 });
    expect(classify(r)).toMatchObject({ kind: 'auth', code: 'APIGW.0305' });
    await c.listApps({ offset: 0, limit: 1 });
    expect(lines.filter((l) => (JSON.parse(l) as { level: number }).level === 40)).toHaveLength(1);
    expect(c.clockSkewMs()!).toBeLessThan(-19 * 60_000);
  });

  it('a stale IAM token → refresh_token; invalidateToken and the retry succeeds', async () => {
    const { c } = clientFor('t-iam', MODES[2]!.credentials);
    expect((await c.listApps({ offset: 0, limit: 1 })).status).toBe(200);
    const stale = await fetch(`${emulator.url}/_emulator/tokens/stale`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: 't-iam' }),
    });
    expect(stale.status).toBe(200);
    const refused = await c.listApps({ offset: 0, limit: 1 });
    expect(classify(refused)).toEqual({ kind: 'refresh_token' });
    c.invalidateToken();
    expect((await c.listApps({ offset: 0, limit: 1 })).status).toBe(200);
  });

  it('a wrong IAM password → ERR_IAM_AUTH', async () => {
    const { c } = clientFor('t-iam-bad', {
      ...(MODES[2]!.credentials as Extract<Credentials, { type: 'password' }>),
      password: 'nope-secret',
    });
    const err = await c.createApp('x').catch((e: unknown) => e);
    expect(classify(err)).toMatchObject({ kind: 'auth', code: 'ERR_IAM_AUTH' });
    expect((err as Error).message).not.toContain('nope-secret');
  });
});
