import { classify } from './classify';
import { errorForResult } from './api-error';
import type { ApiResult, AppSummary, RtcClient } from './types';

export const PAGE_SIZE = 100;
/** 100 pages × 100 apps: far above any account quota; stops a server that never says "last page". */
const MAX_PAGES = 100;

export interface PagingOptions {
  pageSize?: number;
  /** Sees every API answer (request ids, metrics). */
  onCall?: (r: ApiResult) => Promise<void> | void;
  /** Awaited before every HTTP call: the caller's rate limiter goes here. */
  beforeCall?: () => Promise<void>;
  signal?: AbortSignal;
}

export interface AppLookup {
  appId?: string;
  /** The found app's `create_time`, when the API gave one. */
  createTime?: string;
  requestIds: string[];
  calls: number;
}

/**
 * Finds an app by exact name, paging GET /v2/apps (offset = page number) until found or the last
 * page. A non-200 page throws RetryableError / TerminalError per classify() (with `result`).
 */
export async function findAppByName(
  client: RtcClient,
  appName: string,
  opts: PagingOptions = {},
): Promise<AppLookup> {
  const lookup: AppLookup = { requestIds: [], calls: 0 };
  await eachPage(client, opts, lookup, (apps) => {
    const hit = apps.find((a) => a.app_name === appName);
    if (hit !== undefined) {
      lookup.appId = hit.app_id;
      if (hit.create_time !== undefined) lookup.createTime = hit.create_time;
    }
    return hit !== undefined;
  });
  return lookup;
}

/** Every app of the account as {app_id, app_name}, same paging and hooks. */
export async function listAllApps(
  client: RtcClient,
  opts: PagingOptions = {},
): Promise<{ apps: AppSummary[]; requestIds: string[]; calls: number }> {
  const out = { apps: [] as AppSummary[], requestIds: [] as string[], calls: 0 };
  await eachPage(client, opts, out, (apps) => {
    out.apps.push(...apps);
    return false;
  });
  return out;
}

async function eachPage(
  client: RtcClient,
  opts: PagingOptions,
  acc: { requestIds: string[]; calls: number },
  onPage: (apps: AppSummary[]) => boolean,
): Promise<void> {
  const limit = opts.pageSize ?? PAGE_SIZE;
  const signal = opts.signal ? { signal: opts.signal } : {};
  let seen = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    let result = await listPage(client, { offset: page, limit }, opts, acc, signal);
    if (classifyKind(result) === 'refresh_token') {
      // One fresh token per page, through the caller's limiter like any other call.
      client.invalidateToken();
      result = await listPage(client, { offset: page, limit }, opts, acc, signal);
    }
    if (result.status !== 200)
      throw errorForResult(result, classify(result), `listing apps (page ${page})`);
    const { apps, count } = readPage(result.body);
    if (onPage(apps)) return;
    seen += apps.length;
    if (apps.length < limit || (count !== undefined && seen >= count)) return;
  }
}

async function listPage(
  client: RtcClient,
  q: { offset: number; limit: number },
  opts: PagingOptions,
  acc: { requestIds: string[]; calls: number },
  callOpts: { signal?: AbortSignal },
): Promise<ApiResult> {
  await opts.beforeCall?.();
  const result = await client.listApps(q, callOpts);
  acc.calls++;
  if (result.requestId !== undefined) acc.requestIds.push(result.requestId);
  await opts.onCall?.(result);
  return result;
}

function classifyKind(result: ApiResult): string {
  return result.status === 200 ? 'ok' : classify(result).kind;
}

function readPage(body: unknown): { apps: AppSummary[]; count?: number } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as {
    apps?: unknown;
    count?: unknown;
  };
  const apps = Array.isArray(b.apps)
    ? b.apps.flatMap((a: unknown) => {
        const { app_id, app_name, create_time } = (a ?? {}) as {
          app_id?: unknown;
          app_name?: unknown;
          create_time?: unknown;
        };
        if (typeof app_id !== 'string' || typeof app_name !== 'string') return [];
        return [
          typeof create_time === 'string'
            ? { app_id, app_name, create_time }
            : { app_id, app_name },
        ];
      })
    : [];
  return typeof b.count === 'number' ? { apps, count: b.count } : { apps };
}
