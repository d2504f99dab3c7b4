import type { RateLimit } from '../config/rate';
import type { EmulatorTenant } from './options';
import { SlidingWindow } from './sliding-window';

interface Entry {
  tenant: EmulatorTenant;
  window: SlidingWindow | undefined;
}

/** The emulated accounts and the indexes that map each credential to its account. */
export class TenantRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly tokens = new Map<string, string>();
  private readonly accessKeys = new Map<string, string>();
  private readonly iamUsers = new Map<string, string>();

  constructor(private readonly defaults: { quota: number; rate: RateLimit | false }) {}

  /** Adds a tenant or replaces its credentials and limits; its apps stay. */
  add(tenant: EmulatorTenant): void {
    if (typeof tenant.id !== 'string' || tenant.id === '') {
      throw new TypeError('emulator tenant: `id` must be a non-empty string');
    }
    const previous = this.entries.get(tenant.id);
    if (previous) this.unindex(previous.tenant);
    const rate = tenant.rate ?? this.defaults.rate;
    const keepWindow =
      previous?.window !== undefined &&
      rate !== false &&
      previous.window.rate.max === rate.max &&
      previous.window.rate.windowMs === rate.windowMs;
    const window = keepWindow
      ? previous.window
      : rate === false
        ? undefined
        : new SlidingWindow(rate);
    this.entries.set(tenant.id, { tenant: { ...tenant }, window });
    if (tenant.token) this.tokens.set(tenant.token, tenant.id);
    if (tenant.ak) this.accessKeys.set(tenant.ak, tenant.id);
    if (tenant.iam) this.iamUsers.set(iamKey(tenant.iam.domain, tenant.iam.user), tenant.id);
  }

  get(id: string): EmulatorTenant | undefined {
    return this.entries.get(id)?.tenant;
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  byToken(token: string): EmulatorTenant | undefined {
    const id = this.tokens.get(token);
    return id === undefined ? undefined : this.get(id);
  }

  byAccessKey(ak: string): EmulatorTenant | undefined {
    const id = this.accessKeys.get(ak);
    return id === undefined ? undefined : this.get(id);
  }

  byIamUser(domain: string, user: string): EmulatorTenant | undefined {
    const id = this.iamUsers.get(iamKey(domain, user));
    return id === undefined ? undefined : this.get(id);
  }

  quota(id: string): number {
    return this.get(id)?.quota ?? this.defaults.quota;
  }

  /** The tenant's rate window; undefined when unlimited. */
  window(id: string): SlidingWindow | undefined {
    return this.entries.get(id)?.window;
  }

  private unindex(tenant: EmulatorTenant): void {
    dropIfOwned(this.tokens, tenant.token, tenant.id);
    dropIfOwned(this.accessKeys, tenant.ak, tenant.id);
    if (tenant.iam)
      dropIfOwned(this.iamUsers, iamKey(tenant.iam.domain, tenant.iam.user), tenant.id);
  }
}

function iamKey(domain: string, user: string): string {
  return `${domain}\u0000${user}`;
}

function dropIfOwned(index: Map<string, string>, key: string | undefined, id: string): void {
  if (key !== undefined && index.get(key) === id) index.delete(key);
}
