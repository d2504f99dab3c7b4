/** One HTTP exchange with the RTC API, success or not; secrets never appear in it. */
export interface ApiResult {
  status: number;
  requestId?: string;
  /** Parsed JSON, or the raw text when the body is not JSON; undefined when empty. `app_key` is removed. */
  body: unknown;
  errorCode?: string;
  errorMsg?: string;
  retryAfterMs?: number;
  /** The response's `Date` header, as sent. */
  serverDate?: string;
  durationMs: number;
  method: string;
  /** Path (with query) relative to the endpoint, e.g. `/v2/apps?offset=0&limit=100`. */
  path: string;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface ListAppsQuery {
  /** A page number (0, 1, 2, …), not an item offset. */
  offset: number;
  /** 1–100. */
  limit: number;
  state?: string;
}

/**
 * The RTC application-management API. Every method makes exactly one HTTP call to the API (plus,
 * in IAM mode, an IAM call when no valid token is cached) and resolves with any HTTP status;
 * network failures reject with RetryableError `ERR_NETWORK` | `ERR_TIMEOUT` | `ERR_RESET`.
 */
export interface RtcClient {
  createApp(appName: string, opts?: RequestOptions): Promise<ApiResult>;
  listApps(q: ListAppsQuery, opts?: RequestOptions): Promise<ApiResult>;
  getApp(appId: string, opts?: RequestOptions): Promise<ApiResult>;
  deleteApp(appId: string, opts?: RequestOptions): Promise<ApiResult>;
  /** Drops the cached IAM token (after APIGW.0307); the caller retries through its own limiter. */
  invalidateToken(): void;
  /** Server `Date` minus the local clock, from the latest response; undefined before any. */
  clockSkewMs(): number | undefined;
}

/** `{app_id, app_name}` of one listed app. */
export interface AppSummary {
  app_id: string;
  app_name: string;
  /** As the API sent it (`2006-01-02T15:04:05.075Z`), when present. */
  create_time?: string;
}
