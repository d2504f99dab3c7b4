import { request as httpRequest } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator, EmulatorOptions } from '../../src/emulator';
import { loadStateFile, startEmulator } from '../../src/emulator';
import { sdkDate, sign } from '../../src/signing/sdk-hmac-sha256';

const TOKEN = 'tok-acme';
const running: Emulator[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  const emu = await startEmulator({
    tenants: [{ id: 'acme', token: TOKEN }],
    rate: false,
    ...options,
  });
  running.push(emu);
  return emu;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http, so the test controls every header (fetch forbids setting Host). */
function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body = '',
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const create = (emu: Emulator, name: string) =>
  fetch(`${emu.url}/v2/apps`, {
    method: 'POST',
    headers: { 'x-auth-token': TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify({ app_name: name }),
  });

/** Status of each create, or 'drop' when the connection was destroyed. */
async function outcomes(emu: Emulator, n: number): Promise<Array<number | 'drop'>> {
  const seen: Array<number | 'drop'> = [];
  for (let i = 0; i < n; i++) {
    try {
      seen.push((await create(emu, `app-${i}`)).status);
    } catch {
      seen.push('drop');
    }
  }
  return seen;
}

describe('emulator over HTTP', () => {
  it('listens on 127.0.0.1 and serves token-authenticated calls with X-request-Id', async () => {
    const emu = await start();
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await create(emu, 'first');
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    const apps = await (await fetch(`${emu.url}/_emulator/apps`)).json();
    expect(apps).toEqual(emu.apps());
    expect(emu.apps()).toMatchObject([{ tenant: 'acme', app_name: 'first', created201: 1 }]);
  });

  it('verifies AK/SK signatures over the host, path, query and body as received', async () => {
    const emu = await start({ tenants: [{ id: 'acme', ak: 'AK1', sk: 'SK1', projectId: 'p1' }] });
    const host = new URL(emu.url).host;
    const body = JSON.stringify({ app_name: 'signed' });
    const headers: Record<string, string> = {
      host,
      'content-type': 'application/json',
      'x-sdk-date': sdkDate(new Date()),
      'x-project-id': 'p1',
    };
    const signature = sign(
      { method: 'POST', url: `${emu.url}/v2/apps`, headers, body },
      'AK1',
      'SK1',
    );
    const signedHeaders = { ...headers, authorization: signature.authorization };

    const ok = await send(`${emu.url}/v2/apps`, 'POST', signedHeaders, body);
    expect(ok.status).toBe(201);
    expect(ok.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);

    const tampered = await send(
      `${emu.url}/v2/apps`,
      'POST',
      signedHeaders,
      body.replace('signed', 'signeD'),
    );
    expect(tampered.status).toBe(401);
    expect(JSON.parse(tampered.body)).toMatchObject({ error_code: 'APIGW.0301' });
    expect(emu.apps().map((a) => a.app_name)).toEqual(['signed']);
  });

  it('gives the same fault sequence for the same seed', async () => {
    const faults = { seed: 1234, error500Rate: 0.3, ambiguousRate: 0.3 };
    const a = await outcomes(await start({ faults, defaultQuota: 100 }), 40);
    const b = await outcomes(await start({ faults, defaultQuota: 100 }), 40);
    expect(b).toEqual(a);
    expect(new Set(a)).toEqual(new Set([201, 500, 'drop']));
  });

  it('answers error500 faults with 500 RTC.00002001 without creating', async () => {
    const emu = await start({ faults: { error500Rate: 1 } });
    const res = await create(emu, 'never');
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error_code: 'RTC.00002001' });
    expect(emu.apps()).toEqual([]);
    expect(emu.stats().faults.error500).toBe(1);
  });

  it('leaves ambiguous creates created with created201 = 0, answering 500 or dropping', async () => {
    const emu = await start({ faults: { seed: 9, ambiguousRate: 1 } });
    const seen = await outcomes(emu, 12);
    expect(seen.every((s) => s === 500 || s === 'drop')).toBe(true);
    expect(seen).toContain('drop');
    expect(seen).toContain(500);
    expect(emu.apps()).toHaveLength(12);
    expect(emu.apps().every((a) => a.created201 === 0)).toBe(true);
    const { faults, tenants } = emu.stats();
    expect(faults.ambiguous500 + faults.ambiguousDrop).toBe(12);
    expect(faults.ambiguousDrop).toBe(seen.filter((s) => s === 'drop').length);
    expect(tenants.acme?.created201).toBe(0);

    // A retry now finds the name taken: the client's cue to reconcile.
    emu.setFaults({ ambiguousRate: 0 });
    const retry = await create(emu, 'app-0');
    expect(await retry.json()).toMatchObject({ error_code: 'RTC.00001020' });
  });

  it('really drops the connection: the client sees a socket error', async () => {
    const emu = await start({ faults: { ambiguousRate: 1, seed: 1 } });
    // Find the seed's first drop by trying; each try is a fresh connection.
    let error: unknown;
    for (let i = 0; i < 20 && error === undefined; i++) {
      await send(
        `${emu.url}/v2/apps`,
        'POST',
        { 'x-auth-token': TOKEN },
        JSON.stringify({ app_name: `n${i}` }),
      ).catch((e: unknown) => {
        error = e;
      });
    }
    expect((error as NodeJS.ErrnoException).code).toBe('ECONNRESET');
  });

  it('injects latency on /v2 calls and changes faults at runtime over HTTP', async () => {
    const emu = await start();
    const set = await fetch(`${emu.url}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ latencyMs: [1, 3] }),
    });
    expect(set.status).toBe(200);
    for (let i = 0; i < 3; i++)
      await fetch(`${emu.url}/v2/apps`, { headers: { 'x-auth-token': TOKEN } });
    expect(emu.stats().faults.latencyInjected).toBe(3);
  });

  it('adds tenants, reports stats and resets them over HTTP', async () => {
    const emu = await start();
    const added = await fetch(`${emu.url}/_emulator/tenants`, {
      method: 'POST',
      body: JSON.stringify({ id: 'beta', token: 'tok-beta', quota: 1 }),
    });
    expect(added.status).toBe(201);
    const call = () =>
      fetch(`${emu.url}/v2/apps`, {
        method: 'POST',
        headers: { 'x-auth-token': 'tok-beta' },
        body: JSON.stringify({ app_name: 'b' }),
      });
    expect((await call()).status).toBe(201);
    expect((await call()).status).toBe(400);
    const stats = (await (await fetch(`${emu.url}/_emulator/stats`)).json()) as ReturnType<
      Emulator['stats']
    >;
    expect(stats.tenants.beta).toMatchObject({
      requests: 2,
      byStatus: { '201': 1, '400': 1 },
      byErrorCode: { 'RTC.00001020': 1 },
      created201: 1,
    });
    expect(
      (await fetch(`${emu.url}/_emulator/tenants`, { method: 'POST', body: '{}' })).status,
    ).toBe(400);
    expect((await fetch(`${emu.url}/_emulator/reset-stats`, { method: 'POST' })).status).toBe(204);
    expect(emu.stats().tenants.beta).toMatchObject({ requests: 0, created201: 0 });
  });

  it('serves a thousand concurrent calls and counts each one', async () => {
    const emu = await start();
    const worker = async () => {
      for (let i = 0; i < 50; i++) {
        const res = await fetch(`${emu.url}/v2/apps?limit=1`, {
          headers: { 'x-auth-token': TOKEN },
        });
        await res.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    expect(emu.stats().tenants.acme?.byStatus).toEqual({ '200': 1000 });
  });
});

describe('emulator preload', () => {
  it('starts with the apps of a state file, counted as never answered 201', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emulator-state-'));
    try {
      const path = join(dir, 'state.json');
      await writeFile(
        path,
        JSON.stringify({ tenants: { acme: ['old-1', 'old-2'], ghost: ['g'] } }),
      );
      const preload = await loadStateFile(path);
      expect(preload).toEqual({ acme: ['old-1', 'old-2'], ghost: ['g'] });
      const emu = await start({ preload });
      const list = (await (
        await fetch(`${emu.url}/v2/apps`, { headers: { 'x-auth-token': TOKEN } })
      ).json()) as { count: number; apps: Array<{ app_name: string }> };
      expect(list.count).toBe(2);
      expect(list.apps.map((a) => a.app_name)).toEqual(['old-1', 'old-2']);
      expect(await (await create(emu, 'old-1')).json()).toMatchObject({
        error_code: 'RTC.00001020',
      });
      expect(emu.apps().every((a) => a.created201 === 0)).toBe(true);

      await writeFile(path, JSON.stringify({ tenants: { acme: 'old-1' } }));
      await expect(loadStateFile(path)).rejects.toMatchObject({ code: 'ERR_CONFIG' });
      await expect(loadStateFile(join(dir, 'missing.json'))).rejects.toMatchObject({
        code: 'ERR_CONFIG',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
