export { buildDashboard, type DashboardDeps, type DashboardOptions } from './app';
export {
  assertSafeBind,
  authFromEnv,
  createAuthenticator,
  SESSION_COOKIE,
  type DashboardAuthOptions,
} from './auth';
export { BOARD_PATH } from './bull-board';
export {
  listRuns,
  loadRunView,
  type RunView,
  type RunSummary,
  type TenantRow,
  type FailureRow,
} from '../runs/run-view';
