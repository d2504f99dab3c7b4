import { request, type Dispatcher } from 'undici';
import { RetryableError } from '../domain/errors';
import { toNetworkError } from './network-error';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: URL;
  /** Sent exactly as given (undici sends a given `host` header verbatim). */
  headers: Record<string, string>;
  /** The exact bytes to send; empty or undefined for none. */
  body?: Buffer;
  timeoutMs: number;
  signal?: AbortSignal;
  dispatcher?: Dispatcher;
  /** Names the call in error messages, e.g. `POST /v2/apps`; never holds secrets. */
  what: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/**
 * One HTTP exchange with a total deadline. Network failures become RetryableError
 * (ERR_NETWORK | ERR_RESET | ERR_TIMEOUT); an aborted caller signal rethrows its reason.
 */
export async function send(req: HttpRequest): Promise<HttpResponse> {
  const { signal } = req;
  if (signal?.aborted) throw signal.reason;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(
      new DOMException(`${req.what}: no response within ${req.timeoutMs} ms`, 'TimeoutError'),
    );
  }, req.timeoutMs);
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body && req.body.length > 0 ? req.body : undefined,
      signal: controller.signal,
      dispatcher: req.dispatcher,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: flatten(res.headers), text };
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    if (timedOut) {
      throw new RetryableError(
        'ERR_TIMEOUT',
        `${req.what}: no response within ${req.timeoutMs} ms (the server may have acted)`,
        {
          cause: err,
        },
      );
    }
    throw toNetworkError(err, req.what);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Lower-cased names, first value of repeated headers. */
function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const v = Array.isArray(value) ? value[0] : value;
    if (v !== undefined) out[name.toLowerCase()] = v;
  }
  return out;
}
