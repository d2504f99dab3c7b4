import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Agent } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Credentials } from '../../src/config/tenants';
import { ProvisionerError, RetryableError } from '../../src/domain/errors';
import { ManualClock, systemClock, type Clock } from '../../src/infra/clock';
import { classify } from '../../src/rtc/classify';
import { createRtcClient } from '../../src/rtc/client';
import { findAppByName } from '../../src/rtc/find-app';
import { parseAuthorization, sha256Hex, sign } from '../../src/signing/sdk-hmac-sha256';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}
type Handler = (req: Received, res: ServerResponse, raw: IncomingMessage) => void;

/** A scripted HTTP server on 127.0.0.1:0 recording what it received. */
async function startServer(handler: Handler) {
  const received: Received[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      received.push(r);
      handler(r, res, req);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  servers.push(close);
  return { url: `http://127.0.0.1:${port}`, port, received, connections: () => connections, close };
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

function captureLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
  return { logger, lines };
}

const servers: Array<() => Promise<void>> = [];
const agent = new Agent({ keepAliveTimeout: 10_000 });
afterEach(async () => {
  await Promise.all(servers.splice(0).map((close) => close()));
});
afterAll(() => agent.close());

const AKSK: Credentials = {
  type: 'aksk',
  ak: 'AK-PUBLIC-ID',
  sk: 'sk-very-secret-value',
  projectId: '0a1b2c3d4e5f',
  securityToken: 'security-token-secret',
};
const TOKEN: Credentials = { type: 'token', token: 'token-secret-value' };
const SECRETS = [
  'sk-very-secret-value',
  'security-token-secret',
  'token-secret-value',
  'APPKEY-SECRET',
];

function client(
  endpoint: string,
  credentials: Credentials,
  extra: { clock?: Clock; timeoutMs?: number } = {},
) {
  const log = captureLogger();
  const c = createRtcClient(
    {
      endpoint,
      credentials,
      tenantId: 'acme',
      ...(extra.timeoutMs ? { timeoutMs: extra.timeoutMs } : {}),
    },
    { dispatcher: agent, clock: extra.clock ?? systemClock, logger: log.logger },
  );
  return { c, lines: log.lines };
}

function expectNoSecret(text: string): void {
  for (const s of SECRETS) expect(text).not.toContain(s);
}

async function rejection(p: Promise<unknown>): Promise<ProvisionerError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProvisionerError);
  const e = err as ProvisionerError;
  expectNoSecret(`${e.message} ${String(e.stack)}`);
  return e;
}

describe('AK/SK requests', () => {
  it('sends exactly the signed headers (host with port) and the Authorization verifies', async () => {
    const srv = await startServer((_r, res) =>
      json(res, 201, { app_id: 'f'.repeat(32) }, { 'X-Request-Id': 'req-201' }),
    );
    const clock = new ManualClock(Date.parse('2024-05-06T07:08:09Z'));
    const { c } = client(srv.url, AKSK, { clock });
    const result = await c.createApp('测试应用-1');
    expect(result).toMatchObject({
      status: 201,
      requestId: 'req-201',
      method: 'POST',
      path: '/v2/apps',
    });
    expect(classify(result)).toEqual({ kind: 'created', appId: 'f'.repeat(32) });

    const got = srv.received[0]!;
    expect(got.headers.host).toBe(`127.0.0.1:${srv.port}`);
    expect(got.headers['x-sdk-date']).toBe('20240506T070809Z');
    expect(got.headers['x-project-id']).toBe('0a1b2c3d4e5f');
    expect(got.headers['x-security-token']).toBe('security-token-secret');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.body.toString('utf8')).toBe('{"app_name":"测试应用-1"}');

    const auth = parseAuthorization(String(got.headers.authorization));
    expect(auth?.accessKey).toBe('AK-PUBLIC-ID');
    expect(auth?.signedHeaders).toEqual([
      'content-type',
      'host',
      'x-project-id',
      'x-sdk-date',
      'x-security-token',
    ]);
    // Recompute from what arrived on the wire, as the gateway does.
    const headers = Object.fromEntries(auth!.signedHeaders.map((h) => [h, String(got.headers[h])]));
    const recomputed = sign(
      { method: got.method, url: `http://${got.headers.host}${got.url}`, headers, body: got.body },
      'AK-PUBLIC-ID',
      AKSK.sk,
    );
    expect(recomputed.signature).toBe(auth?.signature);
    expect(
      recomputed.canonicalRequest.endsWith(
        sha256Hex(Buffer.from('{"app_name":"测试应用-1"}', 'utf8')),
      ),
    ).toBe(true);
  });

  it('signs GET with a query and no body (no content-type)', async () => {
    const srv = await startServer((_r, res) => json(res, 200, { count: 0, apps: [] }));
    const { c } = client(srv.url, AKSK);
    await c.listApps({ offset: 2, limit: 100, state: 'ACTIVATION' });
    const got = srv.received[0]!;
    expect(got.url).toBe('/v2/apps?offset=2&limit=100&state=ACTIVATION');
    expect(got.headers['content-type']).toBeUndefined();
    expect(got.body.length).toBe(0);
    const auth = parseAuthorization(String(got.headers.authorization))!;
    expect(auth.signedHeaders).toEqual(['host', 'x-project-id', 'x-sdk-date', 'x-security-token']);
    const headers = Object.fromEntries(auth.signedHeaders.map((h) => [h, String(got.headers[h])]));
    expect(
      sign(
        { method: 'GET', url: `http://${got.headers.host}${got.url}`, headers, body: '' },
        'AK-PUBLIC-ID',
        AKSK.sk,
      ).signature,
    ).toBe(auth.signature);
  });

  it('keeps a base path of the endpoint', async () => {
    const srv = await startServer((_r, res) => json(res, 204, undefined));
    const { c } = client(`${srv.url}/rtc/`, AKSK);
    expect((await c.deleteApp('abc')).status).toBe(204);
    expect(srv.received[0]!.url).toBe('/rtc/v2/apps/abc');
  });

  it('reuses keep-alive connections', async () => {
    const srv = await startServer((_r, res) => json(res, 200, { count: 0, apps: [] }));
    const { c } = client(srv.url, AKSK);
    for (let page = 0; page < 6; page++) await c.listApps({ offset: page, limit: 100 });
    // undici may open a second socket while the first is finishing; never one per call.
    expect(srv.connections()).toBeLessThanOrEqual(2);
  });
});

describe('token requests and responses', () => {
  it('sends X-Auth-Token and reads X-request-Id case-insensitively', async () => {
    const srv = await startServer((_r, res) => {
      res.setHeader('X-REQUEST-ID', 'abc-123');
      json(res, 400, { error_code: 'RTC.00001020', error_msg: 'AppExist' });
    });
    const { c } = client(srv.url, TOKEN);
    const result = await c.createApp('dup');
    expect(srv.received[0]!.headers['x-auth-token']).toBe('token-secret-value');
    expect(srv.received[0]!.headers.authorization).toBeUndefined();
    expect(result).toMatchObject({
      status: 400,
      requestId: 'abc-123',
      errorCode: 'RTC.00001020',
      errorMsg: 'AppExist',
    });
    expect(classify(result)).toEqual({ kind: 'exists' });
  });

  it('falls back to the body request_id and parses Retry-After seconds', async () => {
    const srv = await startServer((_r, res) =>
      json(
        res,
        429,
        { error_code: 'APIGW.0308', error_msg: 'over ratelimit', request_id: 'body-id' },
        { 'Retry-After': '7' },
      ),
    );
    const { c } = client(srv.url, TOKEN);
    const result = await c.createApp('x');
    expect(result).toMatchObject({ status: 429, requestId: 'body-id', retryAfterMs: 7000 });
    expect(classify(result)).toEqual({ kind: 'throttled', retryAfterMs: 7000 });
  });

  it('parses Retry-After as an HTTP date against the server Date', async () => {
    const srv = await startServer((_r, res) => {
      res.setHeader('Date', 'Mon, 06 May 2024 07:08:00 GMT');
      json(
        res,
        503,
        { error_code: 'APIGW.0610' },
        { 'Retry-After': 'Mon, 06 May 2024 07:08:12 GMT' },
      );
    });
    const { c } = client(srv.url, TOKEN);
    const result = await c.getApp('a');
    expect(result).toMatchObject({
      status: 503,
      retryAfterMs: 12_000,
      serverDate: 'Mon, 06 May 2024 07:08:00 GMT',
    });
  });

  it('keeps a non-JSON body as text', async () => {
    const srv = await startServer((_r, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad Gateway</html>');
    });
    const { c } = client(srv.url, TOKEN);
    const result = await c.getApp('a');
    expect(result.body).toBe('<html>Bad Gateway</html>');
    expect(classify(result)).toEqual({ kind: 'retry', ambiguous: true });
  });

  it('never returns or logs app_key', async () => {
    const app = {
      app_id: 'a1',
      app_name: 'n',
      authentication: { enable: true, app_key: 'APPKEY-SECRET' },
    };
    const srv = await startServer((r, res) =>
      json(res, 200, r.url.startsWith('/v2/apps?') ? { count: 1, apps: [app] } : app),
    );
    const { c, lines } = client(srv.url, TOKEN);
    const shown = await c.getApp('a1');
    expect(shown.body).toEqual({ app_id: 'a1', app_name: 'n', authentication: { enable: true } });
    const listed = await c.listApps({ offset: 0, limit: 100 });
    expectNoSecret(JSON.stringify(listed.body));
    expect(lines.length).toBeGreaterThan(0);
    expectNoSecret(lines.join('\n'));
  });

  it('findAppByName pages the real client with offset = page number', async () => {
    const names = Array.from({ length: 150 }, (_, i) => `app-${i}`);
    const srv = await startServer((r, res) => {
      const q = new URL(r.url, 'http://x').searchParams;
      const page = Number(q.get('offset'));
      const limit = Number(q.get('limit'));
      const apps = names
        .slice(page * limit, (page + 1) * limit)
        .map((n) => ({ app_id: `id-${n}`, app_name: n }));
      json(res, 200, { count: names.length, apps }, { 'X-Request-Id': `list-${page}` });
    });
    const { c } = client(srv.url, AKSK);
    const lookup = await findAppByName(c, 'app-120');
    expect(lookup).toEqual({ appId: 'id-app-120', requestIds: ['list-0', 'list-1'], calls: 2 });
  });
});

describe('network failures', () => {
  it('a response slower than timeoutMs → ERR_TIMEOUT, ambiguous', async () => {
    const srv = await startServer(() => undefined);
    const { c } = client(srv.url, AKSK, { timeoutMs: 100 });
    const err = await rejection(c.createApp('slow'));
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.code).toBe('ERR_TIMEOUT');
    expect(err.cause).toBeDefined();
    expect(classify(err)).toMatchObject({ kind: 'retry', ambiguous: true });
  });

  it('a destroyed socket → ERR_RESET, ambiguous', async () => {
    const srv = await startServer((_r, _res, raw) => raw.socket.destroy());
    const { c } = client(srv.url, TOKEN);
    const err = await rejection(c.createApp('reset'));
    expect(err.code).toBe('ERR_RESET');
    expect(err.cause).toBeDefined();
    expect(classify(err)).toMatchObject({ kind: 'retry', ambiguous: true, code: 'ERR_RESET' });
  });

  it('a refused connection → ERR_NETWORK, not ambiguous', async () => {
    const srv = await startServer(() => undefined);
    await srv.close();
    const { c } = client(srv.url, AKSK);
    const err = await rejection(c.createApp('refused'));
    expect(err.code).toBe('ERR_NETWORK');
    expect(classify(err)).toMatchObject({ kind: 'retry', ambiguous: false });
  });

  it("an aborted caller signal rethrows the caller's reason, not a retryable error", async () => {
    let arrived!: () => void;
    const seen = new Promise<void>((r) => (arrived = r));
    const srv = await startServer(() => arrived());
    const { c } = client(srv.url, TOKEN);
    const controller = new AbortController();
    const pending = c.createApp('aborted', { signal: controller.signal });
    await seen;
    const reason = new Error('shutting down');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    const already = AbortSignal.abort(reason);
    await expect(c.getApp('x', { signal: already })).rejects.toBe(reason);
    expect(srv.received).toHaveLength(1);
  });
});

describe('clock skew', () => {
  it('warns once per client when the server Date is more than 10 minutes off', async () => {
    const srv = await startServer((_r, res) => {
      res.setHeader('Date', new Date(Date.now() + 20 * 60_000).toUTCString());
      json(res, 200, { count: 0, apps: [] });
    });
    const { c, lines } = client(srv.url, AKSK);
    expect(c.clockSkewMs()).toBeUndefined();
    await c.listApps({ offset: 0, limit: 100 });
    await c.listApps({ offset: 1, limit: 100 });
    const warnings = lines
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toContain('20 minutes');
    expect(Math.abs(c.clockSkewMs()! - 20 * 60_000)).toBeLessThan(5_000);
    expectNoSecret(lines.join('\n'));
  });

  it('stays quiet when the clocks agree', async () => {
    const srv = await startServer((_r, res) => json(res, 200, { count: 0, apps: [] }));
    const { c, lines } = client(srv.url, TOKEN);
    await c.listApps({ offset: 0, limit: 100 });
    expect(lines.filter((l) => (JSON.parse(l) as { level: number }).level >= 40)).toEqual([]);
    expect(Math.abs(c.clockSkewMs()!)).toBeLessThan(5_000);
  });
});
