import { describe, expect, it } from 'vitest';
import { redactApp, redactAppsBody } from '../../src/rtc/redact';
import { parseBody, parseErrorBody, parseRetryAfter, toApiResult } from '../../src/rtc/response';
import { listQuery } from '../../src/rtc/client';
import { credentialSecrets, scrubSecrets } from '../../src/rtc/scrub';

describe('parseRetryAfter', () => {
  it.each<[string | undefined, number | undefined]>([
    [undefined, undefined],
    ['3', 3000],
    [' 0 ', 0],
    ['1.5', 1500],
    ['Wed, 01 Jan 2025 00:00:10 GMT', 10_000],
    ['Wed, 01 Jan 2024 00:00:00 GMT', 0],
    ['soon', undefined],
    ['-1', undefined],
  ])('%s → %s', (value, expected) => {
    expect(parseRetryAfter(value, Date.parse('2025-01-01T00:00:00Z'))).toBe(expected);
  });

  it('measures an HTTP date against the server Date when given', () => {
    expect(
      parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', 0, 'Wed, 01 Jan 2025 00:00:04 GMT'),
    ).toBe(6000);
  });
});

describe('bodies', () => {
  it('keeps non-JSON as text and empty as undefined', () => {
    expect(parseBody('{"a":1}')).toEqual({ a: 1 });
    expect(parseBody('<html>bad gateway</html>')).toBe('<html>bad gateway</html>');
    expect(parseBody('')).toBeUndefined();
  });

  it('reads gateway and IAM error bodies', () => {
    expect(
      parseErrorBody({ error_code: 'APIGW.0308', error_msg: 'over', request_id: 'r' }),
    ).toEqual({
      errorCode: 'APIGW.0308',
      errorMsg: 'over',
      requestId: 'r',
    });
    expect(parseErrorBody({ error: { code: '1101', message: 'bad user' } })).toEqual({
      errorCode: '1101',
      errorMsg: 'bad user',
    });
    expect(parseErrorBody('text')).toEqual({});
  });

  it('falls back to body.request_id when the header is missing', () => {
    const r = toApiResult(
      {
        status: 429,
        headers: {},
        text: '{"error_code":"APIGW.0308","error_msg":"x","request_id":"from-body"}',
      },
      { method: 'POST', path: '/v2/apps', durationMs: 5, nowMs: 0 },
    );
    expect(r).toMatchObject({
      status: 429,
      requestId: 'from-body',
      errorCode: 'APIGW.0308',
      errorMsg: 'x',
    });
  });

  it('prefers the X-request-Id header', () => {
    const r = toApiResult(
      {
        status: 400,
        headers: { 'x-request-id': 'from-header', 'retry-after': '2' },
        text: '{"request_id":"b"}',
      },
      { method: 'POST', path: '/v2/apps', durationMs: 5, nowMs: 0 },
    );
    expect(r.requestId).toBe('from-header');
    expect(r.retryAfterMs).toBe(2000);
  });

  it('does not read error fields from a success body', () => {
    const r = toApiResult(
      { status: 201, headers: {}, text: '{"app_id":"x","error_code":"odd"}' },
      { method: 'POST', path: '/v2/apps', durationMs: 5, nowMs: 0 },
    );
    expect(r.errorCode).toBeUndefined();
  });
});

describe('redactApp', () => {
  const app = {
    app_id: 'a',
    app_name: 'n',
    authentication: { enable: true, expire: 0, app_key: 'SECRET', update_time: 't' },
  };

  it('removes authentication.app_key and keeps the rest', () => {
    expect(redactApp(app)).toEqual({
      app_id: 'a',
      app_name: 'n',
      authentication: { enable: true, expire: 0, update_time: 't' },
    });
    expect(app.authentication.app_key).toBe('SECRET');
  });

  it('redacts every app of a list body', () => {
    expect(JSON.stringify(redactAppsBody({ count: 2, apps: [app, app] }))).not.toContain('SECRET');
    expect(redactAppsBody('text')).toBe('text');
  });
});

describe('listQuery', () => {
  it('encodes per RFC 3986', () => {
    expect(listQuery({ offset: 2, limit: 100 })).toBe('offset=2&limit=100');
    expect(listQuery({ offset: 0, limit: 10, state: 'A B' })).toBe('offset=0&limit=10&state=A%20B');
  });
});

describe('scrubSecrets', () => {
  it('replaces every occurrence of each secret', () => {
    const text = 'canonicalRequest: "x-security-token:STS\\nhost:h" STS again, sk SK1';
    const out = scrubSecrets(text, ['STS', undefined, '', 'SK1']);
    expect(out).toBe(
      'canonicalRequest: "x-security-token:[redacted]\\nhost:h" [redacted] again, sk [redacted]',
    );
  });

  it('knows the secrets of each credential type', () => {
    expect(credentialSecrets({ type: 'token', token: 't' })).toEqual(['t']);
    expect(
      credentialSecrets({ type: 'aksk', ak: 'a', sk: 's', projectId: 'p', securityToken: 'x' }),
    ).toEqual(['s', 'x']);
    expect(
      credentialSecrets({
        type: 'password',
        domain: 'd',
        user: 'u',
        password: 'pw',
        projectId: 'p',
      }),
    ).toEqual(['pw']);
  });
});
