import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/infra/clock';
import { createTokenCache, refreshAt, type CachedToken } from '../../src/rtc/auth/token-cache';

const HOUR = 3600_000;

function fetcher(clock: ManualClock, lifetimeMs = 24 * HOUR) {
  let n = 0;
  const fetch = () => {
    n++;
    const now = clock.now();
    return Promise.resolve<CachedToken>({
      token: `t${n}`,
      fetchedAt: now,
      expiresAt: now + lifetimeMs,
    });
  };
  return { fetch, count: () => n };
}

describe('token cache', () => {
  it('refreshes min(5 min, 10 % of the lifetime) before expiry', () => {
    expect(refreshAt({ token: 't', fetchedAt: 0, expiresAt: 24 * HOUR })).toBe(
      24 * HOUR - 5 * 60_000,
    );
    expect(refreshAt({ token: 't', fetchedAt: 0, expiresAt: 10 * 60_000 })).toBe(9 * 60_000);
  });

  it('serves the cached token, then fetches again once inside the margin', async () => {
    const clock = new ManualClock(1_000);
    const cache = createTokenCache({ clock });
    const f = fetcher(clock);
    expect(await cache.get('a', f.fetch)).toBe('t1');
    clock.advance(24 * HOUR - 5 * 60_000 - 1);
    expect(await cache.get('a', f.fetch)).toBe('t1');
    clock.advance(1);
    expect(await cache.get('a', f.fetch)).toBe('t2');
    expect(f.count()).toBe(2);
  });

  it('shares one fetch between concurrent misses', async () => {
    const clock = new ManualClock();
    const cache = createTokenCache({ clock });
    let release!: (t: CachedToken) => void;
    let calls = 0;
    const fetch = () => {
      calls++;
      return new Promise<CachedToken>((r) => (release = r));
    };
    const all = Promise.all(Array.from({ length: 50 }, () => cache.get('a', fetch)));
    release({ token: 'x', fetchedAt: 0, expiresAt: HOUR });
    expect(await all).toEqual(Array(50).fill('x'));
    expect(calls).toBe(1);
  });

  it('keeps keys apart', async () => {
    const clock = new ManualClock();
    const cache = createTokenCache({ clock });
    const f = fetcher(clock);
    expect(await cache.get('a', f.fetch)).toBe('t1');
    expect(await cache.get('b', f.fetch)).toBe('t2');
  });

  it('invalidate drops the token, but not a newer one than the caller saw', async () => {
    const clock = new ManualClock();
    const cache = createTokenCache({ clock });
    const f = fetcher(clock);
    await cache.get('a', f.fetch);
    cache.invalidate('a', 't1');
    expect(await cache.get('a', f.fetch)).toBe('t2');
    cache.invalidate('a', 't1');
    expect(await cache.get('a', f.fetch)).toBe('t2');
    cache.invalidate('a');
    expect(await cache.get('a', f.fetch)).toBe('t3');
  });

  it('does not cache a failed fetch', async () => {
    const clock = new ManualClock();
    const cache = createTokenCache({ clock });
    await expect(cache.get('a', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('a', fetcher(clock).fetch)).toBe('t1');
  });

  it('lets one caller give up without failing the shared fetch', async () => {
    const clock = new ManualClock();
    const cache = createTokenCache({ clock });
    let release!: (t: CachedToken) => void;
    const fetch = () => new Promise<CachedToken>((r) => (release = r));
    const controller = new AbortController();
    const quitter = cache.get('a', fetch, controller.signal);
    const waiter = cache.get('a', fetch);
    controller.abort(new Error('shutdown'));
    await expect(quitter).rejects.toThrow('shutdown');
    release({ token: 'x', fetchedAt: 0, expiresAt: HOUR });
    expect(await waiter).toBe('x');
  });
});
