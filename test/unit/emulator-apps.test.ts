import { describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../../src/emulator';
import { buildEmulator } from '../../src/emulator';
import { ManualClock } from '../../src/infra/clock';

const TOKEN = 'token-acme';
const auth = { 'x-auth-token': TOKEN, 'content-type': 'application/json' };

function setup(options: EmulatorOptions = {}, clock = new ManualClock(Date.UTC(2026, 0, 1))) {
  const emu = buildEmulator({ tenants: [{ id: 'acme', token: TOKEN }], ...options }, { clock });
  const create = (name: unknown, headers: Record<string, string> = auth) =>
    emu.app.inject({
      method: 'POST',
      url: '/v2/apps',
      headers,
      payload: JSON.stringify({ app_name: name }),
    });
  const get = (url: string) => emu.app.inject({ method: 'GET', url, headers: auth });
  return { emu, clock, create, get };
}

describe('emulator apps API', () => {
  it('creates an app: 201 with a 32-hex app_id, visible to show and list', async () => {
    const { emu, create, get } = setup();
    const res = await create('alpha');
    expect(res.statusCode).toBe(201);
    const { app_id } = res.json<{ app_id: string }>();
    expect(app_id).toMatch(/^[0-9a-f]{32}$/);

    const shown = await get(`/v2/apps/${app_id}`);
    expect(shown.statusCode).toBe(200);
    const app = shown.json<Record<string, unknown>>();
    expect(app).toMatchObject({
      app_id,
      app_name: 'alpha',
      state: { state: 'ACTIVATION' },
      tenant_name: 'acme',
    });
    expect(app.create_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const authentication = app.authentication as { enable: boolean; app_key: string };
    expect(authentication.enable).toBe(false);
    expect(authentication.app_key).toMatch(/^[0-9a-f]{32}$/);

    expect(emu.apps()).toEqual([
      { tenant: 'acme', app_id, app_name: 'alpha', created201: 1, create_time: app.create_time },
    ]);
    expect(emu.stats().tenants.acme).toMatchObject({ created201: 1, requests: 2 });
  });

  it('pages the list: offset is a page number, order is creation order', async () => {
    const { create, get } = setup();
    for (const n of ['a', 'b', 'c', 'd', 'e']) expect((await create(n)).statusCode).toBe(201);
    const page = async (q: string) => {
      const res = await get(`/v2/apps${q}`);
      expect(res.statusCode).toBe(200);
      const body = res.json<{ count: number; apps: Array<{ app_name: string }> }>();
      return [body.count, body.apps.map((a) => a.app_name)];
    };
    expect(await page('')).toEqual([5, ['a', 'b', 'c', 'd', 'e']]);
    expect(await page('?offset=0&limit=2')).toEqual([5, ['a', 'b']]);
    expect(await page('?offset=1&limit=2')).toEqual([5, ['c', 'd']]);
    expect(await page('?offset=2&limit=2')).toEqual([5, ['e']]);
    expect(await page('?offset=3&limit=2')).toEqual([5, []]);
    expect(await page('?state=&offset=&limit=')).toEqual([5, ['a', 'b', 'c', 'd', 'e']]);
    expect(await page('?state=ACTIVATION&limit=100')).toEqual([5, ['a', 'b', 'c', 'd', 'e']]);
    expect(await page('?state=ARREARS')).toEqual([0, []]);
  });

  it.each(['limit=0', 'limit=101', 'limit=x', 'offset=-1', 'offset=1.5', 'state=GONE'])(
    'refuses the list query %s with 400 RTC.00001003',
    async (q) => {
      const { get } = setup();
      const res = await get(`/v2/apps?${q}`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error_code: 'RTC.00001003' });
    },
  );

  it('deletes an app; unknown ids answer 404 RTC.00001003', async () => {
    const { emu, create, get } = setup();
    const { app_id } = (await create('gone')).json<{ app_id: string }>();
    const del = await emu.app.inject({
      method: 'DELETE',
      url: `/v2/apps/${app_id}`,
      headers: auth,
    });
    expect(del.statusCode).toBe(204);
    expect(emu.apps()).toEqual([]);
    for (const res of [
      await get(`/v2/apps/${app_id}`),
      await emu.app.inject({ method: 'DELETE', url: `/v2/apps/${app_id}`, headers: auth }),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error_code: 'RTC.00001003' });
    }
    expect((await create('gone')).statusCode).toBe(201);
  });

  it("hides another tenant's apps", async () => {
    const { emu, create } = setup({
      tenants: [
        { id: 'acme', token: TOKEN },
        { id: 'other', token: 'tok-2' },
      ],
    });
    const { app_id } = (await create('mine')).json<{ app_id: string }>();
    const res = await emu.app.inject({
      method: 'GET',
      url: `/v2/apps/${app_id}`,
      headers: { 'x-auth-token': 'tok-2' },
    });
    expect(res.statusCode).toBe(404);
    expect((await create('mine', { 'x-auth-token': 'tok-2' })).statusCode).toBe(201);
  });

  it('puts X-request-Id on every answer and request_id in error bodies', async () => {
    const { emu, create, get } = setup();
    const answers = [
      await create('x'),
      await create('x'),
      await get('/v2/apps'),
      await get('/v2/apps/0000'),
      await emu.app.inject({ method: 'GET', url: '/v2/apps' }),
      await emu.app.inject({ method: 'GET', url: '/no/such/route' }),
      await emu.app.inject({ method: 'GET', url: '/_emulator/stats' }),
      await emu.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: '{}' }),
    ];
    for (const res of answers) {
      const id = res.headers['x-request-id'];
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      if (res.statusCode >= 400 && res.json<Record<string, unknown>>().error_code) {
        expect(res.json()).toMatchObject({ request_id: id });
      }
    }
    expect(new Set(answers.map((r) => r.headers['x-request-id'])).size).toBe(answers.length);
  });

  it('refuses a duplicate name with 400 RTC.00001020 and counts one 201', async () => {
    const { emu, create } = setup();
    expect((await create('dup')).statusCode).toBe(201);
    const res = await create('dup');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error_code: 'RTC.00001020' });
    expect(emu.apps()).toHaveLength(1);
    expect(emu.apps()[0]?.created201).toBe(1);
  });

  it('refuses creates past the quota with 400 RTC.00001017', async () => {
    const { emu, create } = setup({ tenants: [{ id: 'acme', token: TOKEN, quota: 2 }] });
    expect((await create('q1')).statusCode).toBe(201);
    expect((await create('q2')).statusCode).toBe(201);
    const res = await create('q3');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error_code: 'RTC.00001017' });
    expect(emu.stats().tenants.acme?.appsExceed).toBe(1);
  });

  it('uses defaultQuota when the tenant sets none', async () => {
    const { create } = setup({ defaultQuota: 1 });
    expect((await create('one')).statusCode).toBe(201);
    expect((await create('two')).json()).toMatchObject({ error_code: 'RTC.00001017' });
  });

  it.each([
    ['invalid JSON', '{"app_name": ', 'RTC.00001002'],
    ['a JSON array', '["x"]', 'RTC.00001002'],
    ['an empty body', '', 'RTC.00001002'],
    ['no app_name', '{}', 'RTC.00001005'],
    ['a numeric app_name', '{"app_name": 5}', 'RTC.00001005'],
    ['an empty app_name', '{"app_name": ""}', 'RTC.00001003'],
    ['a 65-character app_name', JSON.stringify({ app_name: 'x'.repeat(65) }), 'RTC.00001003'],
    ['a control character', JSON.stringify({ app_name: 'a\tb' }), 'RTC.00001003'],
  ])('refuses %s (%s) with 400 %s', async (_what, payload, code) => {
    const { emu } = setup();
    const res = await emu.app.inject({ method: 'POST', url: '/v2/apps', headers: auth, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error_code: code });
    expect(emu.apps()).toEqual([]);
  });

  it('accepts 64 characters of any UTF-8', async () => {
    const { create } = setup();
    expect((await create('é'.repeat(64))).statusCode).toBe(201);
    expect((await create('应用-名称_1')).statusCode).toBe(201);
  });
});

describe('emulator rate limit', () => {
  it('enforces a per-tenant sliding window on the emulator clock', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const { emu, get } = setup({ rate: { max: 2, windowMs: 1000 } }, clock);
    const at = async (t: number) => {
      clock.advance(t - (clock.now() - Date.UTC(2026, 0, 1)));
      return (await get('/v2/apps')).statusCode;
    };
    const seen = [];
    for (const t of [0, 500, 999, 1000, 1499, 1500]) seen.push([t, await at(t)]);
    expect(seen).toEqual([
      [0, 200],
      [500, 200],
      [999, 429],
      [1000, 200],
      [1499, 429],
      [1500, 200],
    ]);
    // (499, 1499] holds the arrivals at 500, 999, 1000 and 1499, refused ones included.
    expect(emu.stats().tenants.acme).toMatchObject({ throttled: 2, maxInWindow: 4 });
  });

  it('answers 429 APIGW.0308 in the gateway words, with Retry-After only when asked', async () => {
    const clock = new ManualClock(0);
    for (const retryAfterHeader of [false, true]) {
      const { get } = setup({ rate: { max: 1, windowMs: 60_000 }, retryAfterHeader }, clock);
      await get('/v2/apps');
      const res = await get('/v2/apps');
      expect(res.statusCode).toBe(429);
      expect(res.json()).toMatchObject({
        error_code: 'APIGW.0308',
        error_msg:
          'The throttling threshold has been reached: policy user over ratelimit, limit:1, time:1 minute',
      });
      expect(res.headers['retry-after']).toBe(retryAfterHeader ? '60' : undefined);
    }
  });

  it('limits each tenant separately and can be switched off', async () => {
    const clock = new ManualClock(0);
    const { emu, get } = setup(
      {
        tenants: [
          { id: 'acme', token: TOKEN },
          { id: 'b', token: 'tb', rate: { max: 1, windowMs: 1000 } },
        ],
        rate: false,
      },
      clock,
    );
    for (let i = 0; i < 100; i++) expect((await get('/v2/apps')).statusCode).toBe(200);
    const b = () =>
      emu.app.inject({ method: 'GET', url: '/v2/apps', headers: { 'x-auth-token': 'tb' } });
    expect((await b()).statusCode).toBe(200);
    expect((await b()).statusCode).toBe(429);
  });

  it('does not count refused credentials against the window', async () => {
    const { emu, get } = setup({ rate: { max: 1, windowMs: 1000 } });
    await emu.app.inject({ method: 'GET', url: '/v2/apps', headers: { 'x-auth-token': 'wrong' } });
    expect((await get('/v2/apps')).statusCode).toBe(200);
  });
});

describe('emulator faults (inject)', () => {
  it('answers 500 or drops on ambiguous creates, the app existing either way', async () => {
    const { emu, create } = setup({ faults: { seed: 3, ambiguousRate: 1 } });
    const seen: Array<number | 'drop'> = [];
    for (let i = 0; i < 10; i++) {
      seen.push(
        await create(`f${i}`).then(
          (r) => r.statusCode,
          () => 'drop' as const,
        ),
      );
    }
    const drops = seen.filter((s) => s === 'drop').length;
    expect(drops).toBeGreaterThan(0);
    expect(drops).toBeLessThan(10);
    expect(emu.apps()).toHaveLength(10);
    expect(emu.stats().tenants.acme?.byStatus).toEqual({ '500': 10 - drops, dropped: drops });
    expect(emu.stats().faults).toMatchObject({ ambiguous500: 10 - drops, ambiguousDrop: drops });
  });

  it('leaves non-create calls alone', async () => {
    const { get } = setup({ faults: { error500Rate: 1 } });
    expect((await get('/v2/apps')).statusCode).toBe(200);
  });
});
