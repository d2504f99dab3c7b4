/**
 * A local stand-in for Huawei SparkRTC's application-management API (DESIGN.md §1), and the
 * oracle of the project's tests. It never imports the client (`src/rtc`).
 *
 * Routes: `POST|GET /v2/apps`, `GET|DELETE /v2/apps/{app_id}`, IAM `POST /v3/auth/tokens`, and
 * unauthenticated controls `GET /_emulator/apps|stats`, `POST /_emulator/tenants|faults|
 * tokens/stale|reset-stats`. Every answer carries `X-request-Id`.
 *
 * Options (`EmulatorOptions`), with defaults:
 * - `tenants` ([]): `{ id, token?, ak?, sk?, projectId?, securityToken?, iam?, quota?, rate?, disabled? }`
 * - `defaultQuota` (20): apps per tenant; creating past it answers 400 RTC.00001017
 * - `rate` (60 per 60 000 ms): per-tenant sliding window over app-management calls; `false` = none
 * - `retryAfterHeader` (false): send `Retry-After` with 429 (the real gateway sends none)
 * - `faults` ({}): `{ seed, error500Rate, ambiguousRate, latencyMs: [min, max] }`, reproducible
 * - `preload` ({}): tenant id → app names that already exist (see `loadStateFile`)
 * - `tokenTtlMs` (24 h): IAM token lifetime, on the emulator's clock
 * - `clockSkewMs` (15 min): allowed `X-Sdk-Date` drift before 401 APIGW.0305
 * - `lockout` ({ failures: 5, durationMs: 5 min }): more than `failures` consecutive AK/SK
 *   failures lock the key
 * - `host` ('127.0.0.1'), `port` (0 = any free port)
 *
 * `deps.clock` (system clock) drives token expiry, signature dates and rate windows; injected
 * latency is always real time.
 */
export { buildEmulator, startEmulator } from './server';
export type { BuiltEmulator, Emulator, EmulatorDeps } from './server';
export { loadStateFile } from './state-file';
export type { EmulatorFaults, EmulatorOptions, EmulatorTenant } from './options';
export { EMULATOR_DEFAULTS } from './options';
export type { EmulatorApp } from './state';
export type { EmulatorStats, KeyStats, TenantStats } from './stats';
