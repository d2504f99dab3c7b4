import { describe, expect, it } from 'vitest';
import { parseRate } from '../../src/config/rate';
import { resolveSettings, SETTINGS_DOC } from '../../src/config/settings';
import { credentialsFromEnv, parseTenants } from '../../src/config/tenants';
import { settingsFrom } from '../../src/cli/commands/run';
import { ConfigError } from '../../src/domain/errors';

describe('settings', () => {
  it('defaults < environment < flags, frozen', () => {
    const s = resolveSettings(
      { concurrency: '7' },
      { RTC_CONCURRENCY: '3', RTC_QUOTA: '40', RTC_RATE: '5/1s' },
    );
    expect(s.concurrency).toBe(7);
    expect(s.quota).toBe(40);
    expect(s.rate).toEqual({ max: 5, windowMs: 1000 });
    expect(s.attempts).toBe(6);
    expect(Object.isFrozen(s)).toBe(true);
  });

  it('every documented setting reaches the settings from a CLI flag', () => {
    const flags = {
      quota: '9',
      lockMs: '2000',
      rate: '3/1s',
      concurrency: '4',
      attempts: '2',
      timeoutMs: '100',
      maxThrottles: '3',
      shutdownTimeoutMs: '50',
      prefix: 'p1',
      redisUrl: 'redis://x:1',
      endpoint: 'http://e',
      iamEndpoint: 'http://i',
      globalRate: '10/1s',
    };
    const s = settingsFrom(flags, {});
    expect(SETTINGS_DOC.map(([k]) => k).sort()).toEqual(Object.keys(flags).sort());
    expect(s).toMatchObject({
      quota: 9,
      lockMs: 2000,
      concurrency: 4,
      attempts: 2,
      timeoutMs: 100,
      maxThrottles: 3,
      shutdownTimeoutMs: 50,
      prefix: 'p1',
      redisUrl: 'redis://x:1',
    });
    expect(s.globalRate).toEqual({ max: 10, windowMs: 1000 });
  });

  it('a bad value is a ConfigError naming the flag and the variable', () => {
    expect(() => resolveSettings({ concurrency: 'lots' }, {})).toThrow(
      /--concurrency \/ RTC_CONCURRENCY/,
    );
    expect(() => resolveSettings({ redisUrl: 'localhost' }, {})).toThrow(ConfigError);
  });

  it('rates', () => {
    expect(parseRate('60/60s')).toEqual({ max: 60, windowMs: 60_000 });
    expect(parseRate('100/500ms')).toEqual({ max: 100, windowMs: 500 });
    expect(parseRate('60/1m')).toEqual({ max: 60, windowMs: 60_000 });
    expect(() => parseRate('sixty')).toThrow(/calls\/window/);
    expect(() => parseRate('0/1s')).toThrow(ConfigError);
  });
});

describe('tenants file', () => {
  it('resolves env: references and per-tenant limits', () => {
    const t = parseTenants(
      {
        defaults: { rate: '10/1s' },
        tenants: {
          acme: { ak: 'AK', sk: 'env:ACME_SK', projectId: 'p', quota: 50 },
          globex: { token: 'tok', rate: '1/1s' },
        },
      },
      'tenants.json',
      { ACME_SK: 'secret' },
    );
    expect(t.get('acme')).toEqual({
      id: 'acme',
      credentials: { type: 'aksk', ak: 'AK', sk: 'secret', projectId: 'p' },
      rate: { max: 10, windowMs: 1000 },
      quota: 50,
    });
    expect(t.get('globex')!.rate).toEqual({ max: 1, windowMs: 1000 });
  });

  it('names the tenant and the field, and says how to fix it', () => {
    expect(() =>
      parseTenants({ tenants: { acme: { ak: 'AK', projectId: 'p' } } }, 'tenants.json', {}),
    ).toThrow('tenants.json: tenant `acme` has no `sk` (set `sk` or `env:ACME_SK`)');
    expect(() =>
      parseTenants(
        { tenants: { acme: { ak: 'AK', sk: 'env:NOPE', projectId: 'p' } } },
        'tenants.json',
        {},
      ),
    ).toThrow(/tenant `acme` field `sk` refers to env:NOPE, but NOPE is not set/);
    expect(() =>
      parseTenants(
        { tenants: { acme: { token: 't', ak: 'AK', sk: 's', projectId: 'p' } } },
        'x',
        {},
      ),
    ).toThrow(/exactly one credential mode/);
    expect(() => parseTenants({ tenants: { acme: { tokn: 't' } } }, 'x', {})).toThrow(
      /tenant `acme`/,
    );
    expect(() => parseTenants({ tenants: { 'bad id': { token: 't' } } }, 'x', {})).toThrow(
      ConfigError,
    );
  });

  it('single-tenant credentials from Huawei SDK variables or a token', () => {
    expect(
      credentialsFromEnv({
        HUAWEICLOUD_SDK_AK: 'a',
        HUAWEICLOUD_SDK_SK: 's',
        HUAWEICLOUD_SDK_PROJECT_ID: 'p',
      }),
    ).toEqual({ type: 'aksk', ak: 'a', sk: 's', projectId: 'p' });
    expect(credentialsFromEnv({ RTC_AUTH_TOKEN: 't' })).toEqual({ type: 'token', token: 't' });
    expect(credentialsFromEnv({})).toBeUndefined();
    expect(() => credentialsFromEnv({ HUAWEICLOUD_SDK_AK: 'a', HUAWEICLOUD_SDK_SK: 's' })).toThrow(
      /HUAWEICLOUD_SDK_PROJECT_ID/,
    );
  });
});
