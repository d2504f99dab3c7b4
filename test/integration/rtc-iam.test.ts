import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Agent } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Credentials } from '../../src/config/tenants';
import { ProvisionerError, RetryableError, TerminalError } from '../../src/domain/errors';
import { ManualClock } from '../../src/infra/clock';
import { createTokenCache } from '../../src/rtc/auth/token-cache';
import { classify } from '../../src/rtc/classify';
import { createRtcClient } from '../../src/rtc/client';

const HOUR = 3600_000;
const PASSWORD = 'pa55-word-secret';
const CREDS: Extract<Credentials, { type: 'password' }> = {
  type: 'password',
  domain: 'acme-domain',
  user: 'provisioner',
  password: PASSWORD,
  projectName: 'cn-north-4',
};

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * IAM and RTC on one scripted server. `iam` answers /v3/auth/tokens (default: a fresh token
 * valid for `lifetimeMs` on the test clock); `api` answers everything else (default 201).
 */
async function startServer(
  clock: ManualClock,
  script: {
    iam?: (res: ServerResponse, n: number) => void | Promise<void>;
    api?: (req: Received, res: ServerResponse) => void;
    lifetimeMs?: number;
  } = {},
) {
  const iamCalls: Received[] = [];
  const apiCalls: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      // The server's clock is the test clock: no skew unless a test wants one.
      res.setHeader('Date', new Date(clock.now()).toUTCString());
      if (r.url.startsWith('/v3/auth/tokens')) {
        const n = iamCalls.push(r);
        if (script.iam) return void script.iam(res, n);
        const expiresAt = new Date(clock.now() + (script.lifetimeMs ?? 24 * HOUR)).toISOString();
        res.writeHead(201, {
          'content-type': 'application/json',
          'X-Subject-Token': `iam-token-${n}`,
        });
        return void res.end(
          JSON.stringify({ token: { expires_at: expiresAt, methods: ['password'] } }),
        );
      }
      apiCalls.push(r);
      if (script.api) return script.api(r, res);
      res.writeHead(201, {
        'content-type': 'application/json',
        'X-Request-Id': `req-${apiCalls.length}`,
      });
      res.end(JSON.stringify({ app_id: 'a'.repeat(32) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url, iamCalls, apiCalls };
}

const closers: Array<() => Promise<void>> = [];
const agent = new Agent();
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});
afterAll(() => agent.close());

function iamClient(
  url: string,
  clock: ManualClock,
  creds: Credentials = CREDS,
  tokens = createTokenCache({ clock }),
) {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
  const c = createRtcClient(
    { endpoint: url, credentials: creds, tenantId: 'acme', iamEndpoint: url, timeoutMs: 2_000 },
    { dispatcher: agent, clock, logger, tokens },
  );
  return { c, lines };
}

async function rejection(p: Promise<unknown>): Promise<ProvisionerError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProvisionerError);
  const e = err as ProvisionerError;
  expect(`${e.message} ${String(e.stack)}`).not.toContain(PASSWORD);
  return e;
}

describe('IAM password tokens', () => {
  it('fetches a project-scoped token and sends it as X-Auth-Token', async () => {
    const clock = new ManualClock(Date.parse('2024-05-06T00:00:00Z'));
    const srv = await startServer(clock);
    const { c, lines } = iamClient(srv.url, clock);
    const result = await c.createApp('first');
    expect(result.status).toBe(201);
    expect(srv.iamCalls).toHaveLength(1);
    expect(srv.iamCalls[0]!.method).toBe('POST');
    expect(srv.iamCalls[0]!.url).toBe('/v3/auth/tokens?nocatalog=true');
    expect(JSON.parse(srv.iamCalls[0]!.body)).toEqual({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: 'provisioner', password: PASSWORD, domain: { name: 'acme-domain' } },
          },
        },
        scope: { project: { name: 'cn-north-4' } },
      },
    });
    expect(srv.apiCalls[0]!.headers['x-auth-token']).toBe('iam-token-1');
    expect(lines.join('\n')).not.toContain(PASSWORD);
    expect(lines.join('\n')).not.toContain('iam-token-1');
  });

  it('scopes by project id when given', async () => {
    const clock = new ManualClock(Date.parse('2024-05-06T00:00:00Z'));
    const srv = await startServer(clock);
    const { c } = iamClient(srv.url, clock, {
      ...CREDS,
      projectName: undefined,
      projectId: 'p-123',
    });
    await c.getApp('x');
    expect((JSON.parse(srv.iamCalls[0]!.body) as { auth: { scope: unknown } }).auth.scope).toEqual({
      project: { id: 'p-123' },
    });
  });

  it('caches the token and shares one fetch between 50 concurrent calls', async () => {
    const clock = new ManualClock(Date.parse('2024-05-06T00:00:00Z'));
    const srv = await startServer(clock);
    const { c } = iamClient(srv.url, clock);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => c.createApp(`app-${i}`)),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(srv.iamCalls).toHaveLength(1);
    expect(srv.apiCalls).toHaveLength(50);
    await c.listApps({ offset: 0, limit: 100 });
    expect(srv.iamCalls).toHaveLength(1);
    expect(new Set(srv.apiCalls.map((r) => r.headers['x-auth-token']))).toEqual(
      new Set(['iam-token-1']),
    );
  });

  it('shares the token between clients of the same tenant through one cache', async () => {
    const clock = new ManualClock(Date.parse('2024-05-06T00:00:00Z'));
    const srv = await startServer(clock);
    const tokens = createTokenCache({ clock });
    await iamClient(srv.url, clock, CREDS, tokens).c.getApp('a');
    await iamClient(srv.url, clock, CREDS, tokens).c.getApp('b');
    expect(srv.iamCalls).toHaveLength(1);
  });

  it('refreshes proactively min(5 min, 10 %) before expiry', async () => {
    const clock = new ManualClock(Date.parse('2024-05-06T00:00:00Z'));
    const srv = await startServer(clock, { lifetimeMs: HOUR });
    const { c } = iamClient(srv.url, clock);
    await c.getApp('a');
    // Without issued_at the lifetime is read from the Date header, less its 1 s truncation.
    clock.advance(HOUR - 5 * 60_000 - 2_000);
    await c.getApp('a');
    expect(srv.iamCalls).toHaveLength(1);
    clock.advance(1_000);
    await c.getApp('a');
    expect(srv.iamCalls).toHaveLength(2);
    expect(srv.apiCalls.map((r) => r.headers['x-auth-token'])).toEqual([
      'iam-token-1',
      'iam-token-1',
      'iam-token-2',
    ]);
  });

  it('measures the lifetime on the server clock, so local skew does not shorten it', async () => {
    const clock = new ManualClock(Date.parse('2024-05-06T00:00:00Z'));
    // The local clock runs 3 h ahead: read locally, the token would look long expired.
    const serverClock = new ManualClock(clock.now() - 3 * HOUR);
    const srv = await startServer(serverClock, { lifetimeMs: HOUR });
    const { c } = iamClient(srv.url, clock);
    await c.getApp('a');
    clock.advance(50 * 60_000);
    serverClock.advance(50 * 60_000);
    await c.getApp('a');
    expect(srv.iamCalls).toHaveLength(1);
    expect(c.clockSkewMs()).toBe(-3 * HOUR);
  });

  it('after APIGW.0307 invalidateToken makes the next call fetch a new token', async () => {
    const clock = new ManualClock(Date.parse('2024-05-06T00:00:00Z'));
    let first = true;
    const srv = await startServer(clock, {
      api: (_r, res) => {
        res.writeHead(first ? 401 : 201, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            first
              ? { error_code: 'APIGW.0307', error_msg: 'token expired' }
              : { app_id: 'b'.repeat(32) },
          ),
        );
        first = false;
      },
    });
    const { c } = iamClient(srv.url, clock);
    const refused = await c.createApp('x');
    expect(classify(refused)).toEqual({ kind: 'refresh_token' });
    expect(srv.apiCalls).toHaveLength(1);
    c.invalidateToken();
    expect(srv.iamCalls).toHaveLength(1);
    expect(classify(await c.createApp('x'))).toEqual({ kind: 'created', appId: 'b'.repeat(32) });
    expect(srv.iamCalls).toHaveLength(2);
    expect(srv.apiCalls.map((r) => r.headers['x-auth-token'])).toEqual([
      'iam-token-1',
      'iam-token-2',
    ]);
  });

  it('IAM 401 → TerminalError ERR_IAM_AUTH (auth), without the password, and no API call', async () => {
    const clock = new ManualClock(Date.parse('2024-05-06T00:00:00Z'));
    const srv = await startServer(clock, {
      iam: (res) => {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { code: '1101', message: `bad password ${PASSWORD}` },
          }),
        );
      },
    });
    const { c, lines } = iamClient(srv.url, clock);
    const err = await rejection(c.createApp('x'));
    expect(err).toBeInstanceOf(TerminalError);
    expect(err.code).toBe('ERR_IAM_AUTH');
    expect(classify(err)).toMatchObject({ kind: 'auth', code: 'ERR_IAM_AUTH' });
    expect(srv.apiCalls).toHaveLength(0);
    expect(lines.join('\n')).not.toContain(PASSWORD);
  });

  it('IAM 503 → RetryableError, not cached: the next call asks again', async () => {
    const clock = new ManualClock(Date.parse('2024-05-06T00:00:00Z'));
    const srv = await startServer(clock, {
      iam: (res, n) => {
        if (n === 1) {
          res.writeHead(503, { 'Retry-After': '3' });
          return void res.end('unavailable');
        }
        res.writeHead(201, { 'X-Subject-Token': 'late-token', 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ token: { expires_at: new Date(clock.now() + HOUR).toISOString() } }),
        );
      },
    });
    const { c } = iamClient(srv.url, clock);
    const err = await rejection(c.createApp('x'));
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.code).toBe('ERR_IAM_UNAVAILABLE');
    expect((err as RetryableError).retryAfterMs).toBe(3000);
    expect(classify(err)).toMatchObject({ kind: 'retry', ambiguous: false });
    expect((await c.createApp('x')).status).toBe(201);
    expect(srv.apiCalls[0]!.headers['x-auth-token']).toBe('late-token');
  });

  it('IAM unreachable → RetryableError ERR_IAM_UNAVAILABLE', async () => {
    const clock = new ManualClock(Date.parse('2024-05-06T00:00:00Z'));
    const srv = await startServer(clock);
    const lines: string[] = [];
    const c = createRtcClient(
      {
        endpoint: srv.url,
        credentials: { ...CREDS, iamEndpoint: 'http://127.0.0.1:1' },
        tenantId: 'acme',
      },
      {
        dispatcher: agent,
        clock,
        logger: pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) }),
      },
    );
    const err = await rejection(c.createApp('x'));
    expect(err.code).toBe('ERR_IAM_UNAVAILABLE');
    expect(err.cause).toBeInstanceOf(RetryableError);
    expect(srv.iamCalls).toHaveLength(0);
  });
});
