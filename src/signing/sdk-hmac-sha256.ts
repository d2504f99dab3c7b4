import { createHash, createHmac } from 'node:crypto';

/** Huawei Cloud API Gateway signing, `SDK-HMAC-SHA256` (DESIGN.md §1 "Authentication"). Pure. */
export const ALGORITHM = 'SDK-HMAC-SHA256';

export interface SignableRequest {
  method: string;
  /** Absolute URL; only path and query are signed, the host through the `host` header. */
  url: string;
  /** Header names in any case; values as they will be sent. */
  headers: Record<string, string>;
  /** The exact bytes that will be sent (empty for none). */
  body: Uint8Array | string;
}

/** RFC 3986 unreserved characters stay; everything else is percent-encoded (UTF-8). */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function canonicalUri(pathname: string): string {
  const segments = pathname.split('/').map((s) => rfc3986(safeDecode(s)));
  const joined = segments.join('/');
  return joined.endsWith('/') ? joined : `${joined}/`;
}

export function canonicalQuery(search: string): string {
  const params = new URLSearchParams(search);
  const pairs: Array<[string, string]> = [];
  for (const [k, v] of params) pairs.push([rfc3986(k), rfc3986(v)]);
  pairs.sort(([ak, av], [bk, bv]) => (ak === bk ? compare(av, bv) : compare(ak, bk)));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** Lower-cased, sorted names of the headers that are signed (all given ones). */
export function signedHeaderNames(headers: Record<string, string>): string[] {
  return [...new Set(Object.keys(headers).map((h) => h.toLowerCase()))].sort(compare);
}

export function canonicalHeaders(headers: Record<string, string>, names: string[]): string {
  const byName = new Map<string, string>();
  for (const [k, v] of Object.entries(headers)) byName.set(k.toLowerCase(), v.trim());
  return names.map((n) => `${n}:${byName.get(n) ?? ''}\n`).join('');
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function canonicalRequest(
  req: SignableRequest,
  names = signedHeaderNames(req.headers),
): string {
  const url = new URL(req.url);
  return [
    req.method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQuery(url.search),
    canonicalHeaders(req.headers, names),
    names.join(';'),
    sha256Hex(req.body),
  ].join('\n');
}

export function stringToSign(canonical: string, sdkDate: string): string {
  return `${ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`;
}

export function signature(secretKey: string, toSign: string): string {
  return createHmac('sha256', secretKey).update(toSign).digest('hex');
}

export interface SignResult {
  authorization: string;
  signature: string;
  signedHeaders: string;
  canonicalRequest: string;
}

/**
 * Signs a request whose headers already include `host` and `x-sdk-date` (and `x-project-id`
 * where the API wants it). Every given header is signed.
 */
export function sign(req: SignableRequest, accessKey: string, secretKey: string): SignResult {
  const sdkDate = headerValue(req.headers, 'x-sdk-date');
  if (sdkDate === undefined) throw new TypeError('sign(): the request has no X-Sdk-Date header');
  const names = signedHeaderNames(req.headers);
  const canonical = canonicalRequest(req, names);
  const sig = signature(secretKey, stringToSign(canonical, sdkDate));
  const signedHeaders = names.join(';');
  return {
    authorization: `${ALGORITHM} Access=${accessKey}, SignedHeaders=${signedHeaders}, Signature=${sig}`,
    signature: sig,
    signedHeaders,
    canonicalRequest: canonical,
  };
}

/** `YYYYMMDDTHHMMSSZ` in UTC. */
export function sdkDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Parses `X-Sdk-Date`; undefined when malformed. */
export function parseSdkDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isNaN(t) ? undefined : new Date(t);
}

export interface ParsedAuthorization {
  accessKey: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…`; undefined when malformed. */
export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const m =
    /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/.exec(
      value.trim(),
    );
  if (!m) return undefined;
  return { accessKey: m[1]!, signedHeaders: m[2]!.split(';'), signature: m[3]! };
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
