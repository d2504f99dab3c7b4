import { randomBytes } from 'node:crypto';

/** An app as the emulator keeps it; `created201` counts 201 answers actually sent for it. */
export interface StoredApp {
  tenant: string;
  app_id: string;
  app_name: string;
  created201: number;
  create_time: string;
  app_key: string;
}

/** What GET /_emulator/apps shows: never the app's secret key. */
export interface EmulatorApp {
  tenant: string;
  app_id: string;
  app_name: string;
  created201: number;
  create_time: string;
}

/** The App object of the SparkRTC API (ShowApp / ListApps). */
export interface AppView {
  app_id: string;
  app_name: string;
  state: { state: 'ACTIVATION'; update_time: string };
  scope: 'GLOBAL';
  tenant_name: string;
  domain: string;
  create_time: string;
  authentication: { enable: boolean; expire: number; app_key: string; update_time: string };
}

export const APP_STATES = ['ACTIVATION', 'DEACTIVATION', 'ARREARS'] as const;

/** Every tenant's apps: O(1) by name within a tenant and by id overall, creation order kept. */
export class AppStore {
  private readonly byTenant = new Map<string, Map<string, StoredApp>>();
  private readonly byId = new Map<string, StoredApp>();

  count(tenant: string): number {
    return this.byTenant.get(tenant)?.size ?? 0;
  }

  findByName(tenant: string, name: string): StoredApp | undefined {
    return this.byTenant.get(tenant)?.get(name);
  }

  /** The tenant's app with that id; another tenant's app is as unknown as a missing one. */
  findById(tenant: string, id: string): StoredApp | undefined {
    const app = this.byId.get(id);
    return app?.tenant === tenant ? app : undefined;
  }

  /** Adds an app; callers check uniqueness and quota first. */
  create(tenant: string, name: string, now: number): StoredApp {
    const app: StoredApp = {
      tenant,
      app_id: randomBytes(16).toString('hex'),
      app_name: name,
      created201: 0,
      create_time: new Date(now).toISOString(),
      app_key: randomBytes(16).toString('hex'),
    };
    let apps = this.byTenant.get(tenant);
    if (!apps) {
      apps = new Map();
      this.byTenant.set(tenant, apps);
    }
    apps.set(name, app);
    this.byId.set(app.app_id, app);
    return app;
  }

  delete(app: StoredApp): void {
    this.byTenant.get(app.tenant)?.delete(app.app_name);
    this.byId.delete(app.app_id);
  }

  /** The tenant's apps in creation order. */
  list(tenant: string): IterableIterator<StoredApp> {
    return (this.byTenant.get(tenant) ?? new Map<string, StoredApp>()).values();
  }

  all(): EmulatorApp[] {
    const out: EmulatorApp[] = [];
    for (const apps of this.byTenant.values()) {
      for (const a of apps.values()) {
        out.push({
          tenant: a.tenant,
          app_id: a.app_id,
          app_name: a.app_name,
          created201: a.created201,
          create_time: a.create_time,
        });
      }
    }
    return out;
  }
}

export function appView(app: StoredApp): AppView {
  return {
    app_id: app.app_id,
    app_name: app.app_name,
    state: { state: 'ACTIVATION', update_time: app.create_time },
    scope: 'GLOBAL',
    tenant_name: app.tenant,
    domain: `${app.app_id.slice(0, 12)}.rtc.emulator.invalid`,
    create_time: app.create_time,
    authentication: {
      enable: false,
      expire: 300,
      app_key: app.app_key,
      update_time: app.create_time,
    },
  };
}
