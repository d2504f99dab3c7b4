import type { Clock } from '../infra/clock';
import type { FaultInjector } from './faults';
import type { IamTokens } from './iam-tokens';
import type { KeyLockout } from './lockout';
import type { ResolvedEmulatorOptions } from './options';
import type { AppStore } from './state';
import type { StatsRecorder } from './stats';
import type { TenantRegistry } from './tenants';

/** Everything the routes share: one emulated cloud. */
export interface EmulatorContext {
  options: ResolvedEmulatorOptions;
  clock: Clock;
  tenants: TenantRegistry;
  apps: AppStore;
  tokens: IamTokens;
  lockout: KeyLockout;
  faults: FaultInjector;
  stats: StatsRecorder;
}
