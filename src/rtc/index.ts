/** The RTC API client: one import for the worker and the CLI. */
export type { ApiResult, AppSummary, ListAppsQuery, RequestOptions, RtcClient } from './types';
export {
  createRtcClient,
  DEFAULT_ENDPOINT,
  DEFAULT_TIMEOUT_MS,
  type RtcClientDeps,
  type RtcClientOptions,
} from './client';
export { createHttpAgent } from './agent';
export { createTokenCache, type TokenCache, type CachedToken } from './auth/token-cache';
export { classify, type Classification } from './classify';
export {
  nextDelay,
  throttleDelay,
  DEFAULT_BACKOFF,
  DEFAULT_THROTTLE,
  type BackoffOptions,
  type ThrottleOptions,
} from './backoff';
export {
  findAppByName,
  listAllApps,
  PAGE_SIZE,
  type AppLookup,
  type PagingOptions,
} from './find-app';
export { RtcRetryableError, RtcTerminalError, errorForResult } from './api-error';
export { redactApp } from './redact';
