import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  parseAuthorization,
  sha256Hex,
  sign,
  type SignableRequest,
} from '../../src/signing/sdk-hmac-sha256';

describe('published vectors (DESIGN.md §1)', () => {
  it.each<{
    name: string;
    req: SignableRequest;
    ak: string;
    sk: string;
    signedHeaders: string;
    signature: string;
  }>([
    {
      name: "Huawei's signing guide",
      req: {
        method: 'GET',
        url: 'https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0',
        headers: {
          'Content-Type': 'application/json',
          Host: 'service.region.example.com',
          'X-Sdk-Date': '20191115T033655Z',
        },
        body: '',
      },
      ak: 'QTWAOYTTINDUT2QVKYUC',
      sk: 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc',
      signedHeaders: 'content-type;host;x-sdk-date',
      signature: '7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe',
    },
    {
      name: 'Python SDK GET',
      req: {
        method: 'GET',
        url: 'https://service.endpoint.myhuaweicloud.com/resources?size=1',
        headers: { host: 'service.endpoint.myhuaweicloud.com', 'x-sdk-date': '20200608T023900Z' },
        body: '',
      },
      ak: 'AccessKey',
      sk: 'SecretKey',
      signedHeaders: 'host;x-sdk-date',
      signature: 'cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842',
    },
    {
      name: 'Python SDK POST with body',
      req: {
        method: 'POST',
        url: 'https://service.endpoint.myhuaweicloud.com/resources?size=1',
        headers: { host: 'service.endpoint.myhuaweicloud.com', 'x-sdk-date': '20200608T023900Z' },
        body: '{"name":"test","id":1}',
      },
      ak: 'AccessKey',
      sk: 'SecretKey',
      signedHeaders: 'host;x-sdk-date',
      signature: '436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f',
    },
  ])('$name', ({ req, ak, sk, signedHeaders, signature }) => {
    const result = sign(req, ak, sk);
    expect(result.signature).toBe(signature);
    expect(result.signedHeaders).toBe(signedHeaders);
    expect(result.authorization).toBe(
      `SDK-HMAC-SHA256 Access=${ak}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    );
    expect(parseAuthorization(result.authorization)).toEqual({
      accessKey: ak,
      signedHeaders: signedHeaders.split(';'),
      signature,
    });
  });
});

describe('canonical request pieces', () => {
  it('percent-encodes each path segment (space, UTF-8, reserved) and adds a trailing slash', () => {
    const url = new URL("https://h.example.com/v2/apps/my app/应用/it's");
    expect(canonicalUri(url.pathname)).toBe('/v2/apps/my%20app/%E5%BA%94%E7%94%A8/it%27s/');
    expect(canonicalUri('/')).toBe('/');
    expect(canonicalUri('/v2/apps/')).toBe('/v2/apps/');
  });

  it('sorts repeated and unsorted query keys, then values', () => {
    expect(canonicalQuery('?b=2&a=1&a=0')).toBe('a=0&a=1&b=2');
  });

  it('keeps an empty query value as `k=`', () => {
    expect(canonicalQuery('?a=')).toBe('a=');
    expect(canonicalQuery('?limit=100&a=&state=')).toBe('a=&limit=100&state=');
  });

  it('encodes query keys and values per RFC 3986', () => {
    expect(canonicalQuery('?name=a%20b%2Fc&x=%E6%B5%8B')).toBe('name=a%20b%2Fc&x=%E6%B5%8B');
  });

  const chineseBody = Buffer.from(JSON.stringify({ app_name: '测试应用' }), 'utf8');
  const base: SignableRequest = {
    method: 'POST',
    url: 'https://rtc-api.example.com:8443/v2/apps?b=2&a=1&a=0&e=',
    headers: {
      'Content-Type': 'application/json',
      Host: 'rtc-api.example.com:8443',
      'X-Sdk-Date': '20240102T030405Z',
      'X-Project-Id': '  0123456789abcdef  ',
    },
    body: chineseBody,
  };

  it('assembles method, URI, query, trimmed headers, signed names and the UTF-8 body hash', () => {
    expect(canonicalRequest(base).split('\n')).toEqual([
      'POST',
      '/v2/apps/',
      'a=0&a=1&b=2&e=',
      'content-type:application/json',
      'host:rtc-api.example.com:8443',
      'x-project-id:0123456789abcdef',
      'x-sdk-date:20240102T030405Z',
      '',
      'content-type;host;x-project-id;x-sdk-date',
      sha256Hex(chineseBody),
    ]);
    // The hash is over the UTF-8 bytes: the same text as a string hashes the same.
    expect(sha256Hex(chineseBody)).toBe(sha256Hex('{"app_name":"测试应用"}'));
    expect(sha256Hex(chineseBody)).not.toBe(
      sha256Hex(Buffer.from('{"app_name":"测试应用"}', 'latin1')),
    );
  });

  it('signs trimmed header values: surrounding spaces do not change the signature', () => {
    const trimmed = { ...base, headers: { ...base.headers, 'X-Project-Id': '0123456789abcdef' } };
    expect(sign(trimmed, 'AK', 'SK').signature).toBe(sign(base, 'AK', 'SK').signature);
  });

  const reference = sign(base, 'AK', 'SK').signature;
  it.each([
    ['method', { ...base, method: 'PUT' }],
    ['path', { ...base, url: 'https://rtc-api.example.com:8443/v2/apps/x?b=2&a=1&a=0&e=' }],
    ['query value', { ...base, url: 'https://rtc-api.example.com:8443/v2/apps?b=2&a=1&a=9&e=' }],
    [
      'empty query value',
      { ...base, url: 'https://rtc-api.example.com:8443/v2/apps?b=2&a=1&a=0&e=1' },
    ],
    ['host port', { ...base, headers: { ...base.headers, Host: 'rtc-api.example.com' } }],
    ['date', { ...base, headers: { ...base.headers, 'X-Sdk-Date': '20240102T030406Z' } }],
    ['project id', { ...base, headers: { ...base.headers, 'X-Project-Id': '0123456789abcdeF' } }],
    ['an added header', { ...base, headers: { ...base.headers, 'X-Security-Token': 't' } }],
    ['body', { ...base, body: Buffer.from(JSON.stringify({ app_name: '测试应用2' }), 'utf8') }],
  ])('changing the %s changes the signature', (_piece, changed) => {
    expect(sign(changed, 'AK', 'SK').signature).not.toBe(reference);
  });

  it('a different secret key changes the signature', () => {
    expect(sign(base, 'AK', 'SK2').signature).not.toBe(reference);
  });

  it('refuses to sign without X-Sdk-Date', () => {
    expect(() => sign({ ...base, headers: { host: 'h' } }, 'AK', 'SK')).toThrow(TypeError);
  });
});
