import { describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../../src/emulator';
import { buildEmulator } from '../../src/emulator';
import { ManualClock } from '../../src/infra/clock';
import { sdkDate, sha256Hex, sign } from '../../src/signing/sdk-hmac-sha256';

const START = Date.UTC(2026, 0, 1, 12);
const AK = 'AKACME0000000001';
const SK = 'sk-acme-secret-value';
const IAM = {
  domain: 'acme-domain',
  user: 'ops',
  password: 'pa55',
  projectId: 'p-acme',
  projectName: 'cn-north-4',
};

function setup(options: EmulatorOptions = {}) {
  const clock = new ManualClock(START);
  const emu = buildEmulator(
    {
      tenants: [
        { id: 'acme', token: 'static-token', ak: AK, sk: SK, projectId: 'p-acme', iam: IAM },
      ],
      rate: false,
      ...options,
    },
    { clock },
  );
  return { emu, clock };
}

/** A header value meaning "leave this default header out". */
const DROP = '\u0000drop';

interface SignedOptions {
  method?: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
  at?: number;
  sk?: string;
  ak?: string;
}

/** A request signed as a client would sign it; callers may tamper with it afterwards. */
function signed(clock: ManualClock, o: SignedOptions = {}) {
  const method = o.method ?? 'POST';
  const path = o.path ?? '/v2/apps';
  const body = o.body ?? (method === 'POST' ? '{"app_name":"signed-app"}' : '');
  const headers: Record<string, string> = Object.fromEntries(
    Object.entries({
      host: 'rtc-api.example.test',
      'content-type': 'application/json',
      'x-sdk-date': sdkDate(new Date(o.at ?? clock.now())),
      'x-project-id': 'p-acme',
      ...o.headers,
    }).filter(([, v]) => v !== DROP),
  );
  const s = sign(
    { method, url: `https://rtc-api.example.test${path}`, headers, body },
    o.ak ?? AK,
    o.sk ?? SK,
  );
  return {
    method: method as 'POST',
    url: path,
    headers: { ...headers, authorization: s.authorization },
    payload: body,
  };
}

function iamBody(password = IAM.password, project: Record<string, string> = { id: IAM.projectId }) {
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: IAM.user, password, domain: { name: IAM.domain } } },
      },
      scope: { project },
    },
  };
}

const list = (token: string) => ({
  method: 'GET' as const,
  url: '/v2/apps',
  headers: { 'x-auth-token': token },
});

describe('emulator token auth', () => {
  it('accepts the static token and refuses unknown ones with 401 APIGW.0301', async () => {
    const { emu } = setup();
    expect((await emu.app.inject(list('static-token'))).statusCode).toBe(200);
    const res = await emu.app.inject(list('nope'));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error_code: 'APIGW.0301' });
    const none = await emu.app.inject({ method: 'GET', url: '/v2/apps' });
    expect(none.json()).toMatchObject({ error_code: 'APIGW.0301' });
  });

  it('issues IAM tokens that map to the tenant and expire on the emulator clock', async () => {
    const { emu, clock } = setup({ tokenTtlMs: 60_000 });
    const res = await emu.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: iamBody(),
    });
    expect(res.statusCode).toBe(201);
    const token = res.headers['x-subject-token'] as string;
    expect(token.length).toBeGreaterThan(20);
    const body = res.json<{
      token: { expires_at: string; project: { id: string; name: string } };
    }>();
    expect(body.token.expires_at).toBe(new Date(START + 60_000).toISOString());
    expect(body.token.project).toMatchObject({ id: 'p-acme', name: 'cn-north-4' });

    const created = await emu.app.inject({
      method: 'POST',
      url: '/v2/apps',
      headers: { 'x-auth-token': token },
      payload: { app_name: 'via-iam' },
    });
    expect(created.statusCode).toBe(201);
    expect(emu.apps()[0]).toMatchObject({ tenant: 'acme', app_name: 'via-iam' });

    clock.advance(59_999);
    expect((await emu.app.inject(list(token))).statusCode).toBe(200);
    clock.advance(1);
    const expired = await emu.app.inject(list(token));
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ error_code: 'APIGW.0301' });
    expect(emu.stats().tenants.acme?.authFailures).toBe(1);
  });

  it('scopes by project name too, and refuses a wrong password or project', async () => {
    const { emu } = setup();
    const byName = await emu.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: iamBody(IAM.password, { name: 'cn-north-4' }),
    });
    expect(byName.statusCode).toBe(201);
    const wrong = await emu.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: iamBody('bad'),
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: { code: 401 } });
    expect(wrong.headers['x-subject-token']).toBeUndefined();
    const project = await emu.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: iamBody(IAM.password, { id: 'p-other' }),
    });
    expect(project.statusCode).toBe(401);
    const malformed = await emu.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: '{"auth":1}',
    });
    expect(malformed.statusCode).toBe(400);
  });

  it('answers 401 APIGW.0307 for tokens made stale, until a new one is issued', async () => {
    const { emu } = setup();
    const issue = async () =>
      (await emu.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: iamBody() }))
        .headers['x-subject-token'] as string;
    const old = await issue();
    const stale = await emu.app.inject({
      method: 'POST',
      url: '/_emulator/tokens/stale',
      payload: { tenant: 'acme' },
    });
    expect(stale.json()).toEqual({ tenant: 'acme', stale: 1 });
    const res = await emu.app.inject(list(old));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error_code: 'APIGW.0307' });
    expect((await emu.app.inject(list(await issue()))).statusCode).toBe(200);
    expect((await emu.app.inject(list('static-token'))).statusCode).toBe(200);
  });

  it('replaces credentials at runtime and answers 400 RTC.00001001 for a disabled tenant', async () => {
    const { emu } = setup();
    emu.addTenant({ id: 'acme', token: 'rotated' });
    expect((await emu.app.inject(list('static-token'))).statusCode).toBe(401);
    expect((await emu.app.inject(list('rotated'))).statusCode).toBe(200);
    const added = await emu.app.inject({
      method: 'POST',
      url: '/_emulator/tenants',
      payload: { id: 'acme', token: 'rotated', disabled: true },
    });
    expect(added.statusCode).toBe(201);
    const res = await emu.app.inject(list('rotated'));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error_code: 'RTC.00001001' });
  });
});

describe('emulator AK/SK auth', () => {
  it('accepts a correctly signed create, list, show and delete', async () => {
    const { emu, clock } = setup();
    const created = await emu.app.inject(signed(clock));
    expect(created.statusCode).toBe(201);
    const { app_id } = created.json<{ app_id: string }>();
    expect(
      (await emu.app.inject(signed(clock, { method: 'GET', path: '/v2/apps?limit=10&offset=0' })))
        .statusCode,
    ).toBe(200);
    expect(
      (await emu.app.inject(signed(clock, { method: 'GET', path: `/v2/apps/${app_id}` })))
        .statusCode,
    ).toBe(200);
    expect(
      (await emu.app.inject(signed(clock, { method: 'DELETE', path: `/v2/apps/${app_id}` })))
        .statusCode,
    ).toBe(204);
    expect(emu.stats().keys[AK]).toMatchObject({
      failures: 0,
      consecutiveFailures: 0,
      lockedUntil: null,
    });
  });

  it.each([
    ['the body', (r: ReturnType<typeof signed>) => ({ ...r, payload: '{"app_name":"other-app"}' })],
    ['the query', (r: ReturnType<typeof signed>) => ({ ...r, url: '/v2/apps?limit=3' })],
    [
      'a signed header',
      (r: ReturnType<typeof signed>) => ({
        ...r,
        headers: { ...r.headers, 'content-type': 'text/json' },
      }),
    ],
    [
      'the host',
      (r: ReturnType<typeof signed>) => ({
        ...r,
        headers: { ...r.headers, host: 'elsewhere.test' },
      }),
    ],
  ])(
    'refuses a request whose %s changed after signing with 401 APIGW.0301',
    async (_what, tamper) => {
      const { emu, clock } = setup();
      const res = await emu.app.inject(tamper(signed(clock)));
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error_code: 'APIGW.0301' });
      expect(emu.apps()).toEqual([]);
      expect(emu.stats().keys[AK]?.failures).toBe(1);
    },
  );

  it('refuses a request whose path changed after signing with 401 APIGW.0301', async () => {
    const { emu, clock } = setup();
    const { app_id } = (await emu.app.inject(signed(clock))).json<{ app_id: string }>();
    const other = `${app_id.slice(0, -1)}${app_id.endsWith('0') ? '1' : '0'}`;
    const request = signed(clock, { method: 'GET', path: `/v2/apps/${other}` });
    const res = await emu.app.inject({ ...request, url: `/v2/apps/${app_id}` });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error_code: 'APIGW.0301' });
  });

  it('echoes the canonical request it computed, never the secret key', async () => {
    const { emu, clock } = setup();
    const request = signed(clock);
    const res = await emu.app.inject({ ...request, payload: '{"app_name":"x"}' });
    const msg = res.json<{ error_msg: string }>().error_msg;
    expect(msg).toContain(sha256Hex('{"app_name":"x"}'));
    expect(msg).not.toContain(SK);
  });

  it('refuses a wrong secret, an unknown key and a malformed Authorization', async () => {
    const { emu, clock } = setup();
    for (const req of [
      signed(clock, { sk: 'not-the-secret' }),
      signed(clock, { ak: 'AKUNKNOWN' }),
      { ...signed(clock), headers: { ...signed(clock).headers, authorization: 'Basic abc' } },
    ]) {
      const res = await emu.app.inject(req);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error_code: 'APIGW.0301' });
    }
  });

  it('requires X-Project-Id among the signed headers and matching the key', async () => {
    const { emu, clock } = setup();
    const noProject = signed(clock, { headers: { 'x-project-id': DROP } });
    const missing = await emu.app.inject(noProject);
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ error_code: 'APIGW.0301' });

    // Signed without it, then added: present but not signed.
    const added = { ...noProject, headers: { ...noProject.headers, 'x-project-id': 'p-acme' } };
    expect((await emu.app.inject(added)).statusCode).toBe(401);

    const other = await emu.app.inject(signed(clock, { headers: { 'x-project-id': 'p-other' } }));
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ error_code: 'APIGW.0302' });
  });

  it('refuses an X-Sdk-Date more than clockSkewMs off with 401 APIGW.0305', async () => {
    const { emu, clock } = setup();
    const skewed = await emu.app.inject(signed(clock, { at: START - 16 * 60_000 }));
    expect(skewed.statusCode).toBe(401);
    expect(skewed.json()).toMatchObject({ error_code: 'APIGW.0305' });
    const ahead = await emu.app.inject(signed(clock, { at: START + 16 * 60_000 }));
    expect(ahead.json()).toMatchObject({ error_code: 'APIGW.0305' });
    expect((await emu.app.inject(signed(clock, { at: START - 14 * 60_000 }))).statusCode).toBe(201);
  });

  it('locks the key after more than 5 consecutive failures, then refuses even a correct request', async () => {
    const { emu, clock } = setup();
    for (let i = 0; i < 6; i++) {
      const res = await emu.app.inject(signed(clock, { sk: 'wrong' }));
      expect(res.json()).toMatchObject({ error_code: 'APIGW.0301' });
    }
    const locked = await emu.app.inject(signed(clock));
    expect(locked.statusCode).toBe(401);
    expect(locked.json()).toMatchObject({ error_code: 'APIGW.0301' });
    expect(emu.apps()).toEqual([]);
    expect(emu.stats().keys[AK]).toMatchObject({
      failures: 6,
      consecutiveFailures: 6,
      lockedUntil: START + 5 * 60_000,
      refusedWhileLocked: 1,
    });

    clock.advance(5 * 60_000);
    expect((await emu.app.inject(signed(clock))).statusCode).toBe(201);
    expect(emu.stats().keys[AK]).toMatchObject({ consecutiveFailures: 0, lockedUntil: null });
  });

  it('resets the consecutive count on a success', async () => {
    const { emu, clock } = setup();
    for (let i = 0; i < 5; i++) await emu.app.inject(signed(clock, { sk: 'wrong' }));
    expect((await emu.app.inject(signed(clock))).statusCode).toBe(201);
    for (let i = 0; i < 5; i++) await emu.app.inject(signed(clock, { sk: 'wrong' }));
    expect(emu.stats().keys[AK]).toMatchObject({
      failures: 10,
      consecutiveFailures: 5,
      lockedUntil: null,
    });
  });

  it('checks X-Security-Token for temporary credentials', async () => {
    const { emu, clock } = setup({
      tenants: [{ id: 'acme', ak: AK, sk: SK, projectId: 'p-acme', securityToken: 'sts-token' }],
    });
    expect((await emu.app.inject(signed(clock))).statusCode).toBe(401);
    const res = await emu.app.inject(
      signed(clock, { headers: { 'x-security-token': 'sts-token' } }),
    );
    expect(res.statusCode).toBe(201);
  });
});
