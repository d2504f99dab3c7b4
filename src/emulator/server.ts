import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Clock } from '../infra/clock';
import { systemClock } from '../infra/clock';
import { ApiError, errors } from './api-error';
import { registerAppRoutes } from './apps-routes';
import type { EmulatorContext } from './context';
import { FaultInjector } from './faults';
import { sendError } from './http';
import { registerIam } from './iam';
import { IamTokens } from './iam-tokens';
import type { EmulatorControls } from './introspection';
import { registerIntrospection } from './introspection';
import { KeyLockout } from './lockout';
import type { EmulatorFaults, EmulatorOptions, EmulatorTenant } from './options';
import { resolveOptions } from './options';
import type { EmulatorApp } from './state';
import { AppStore } from './state';
import type { EmulatorStats } from './stats';
import { StatsRecorder } from './stats';
import { TenantRegistry } from './tenants';

export interface EmulatorDeps {
  clock?: Clock;
}

export interface BuiltEmulator {
  /** For `inject()`; call `listen()` only through `startEmulator`. */
  app: FastifyInstance;
  addTenant: (t: EmulatorTenant) => void;
  setFaults: (f: EmulatorFaults) => void;
  apps: () => EmulatorApp[];
  stats: () => EmulatorStats;
}

export interface Emulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  addTenant: (t: EmulatorTenant) => void;
  setFaults: (f: EmulatorFaults) => void;
  apps: () => EmulatorApp[];
  stats: () => EmulatorStats;
  close: () => Promise<void>;
}

export function buildEmulator(
  options: EmulatorOptions = {},
  deps: EmulatorDeps = {},
): BuiltEmulator {
  const resolved = resolveOptions(options);
  const ctx: EmulatorContext = {
    options: resolved,
    clock: deps.clock ?? systemClock,
    tenants: new TenantRegistry({ quota: resolved.defaultQuota, rate: resolved.rate }),
    apps: new AppStore(),
    tokens: new IamTokens(),
    lockout: new KeyLockout(resolved.lockout),
    faults: new FaultInjector(resolved.faults),
    stats: new StatsRecorder(),
  };
  const controls = controlsOf(ctx);
  for (const tenant of resolved.tenants) controls.addTenant(tenant);
  // Pre-existing apps are old: created a day before the emulator started.
  const preloadedAt = ctx.clock.now() - 86_400_000;
  for (const [tenant, names] of Object.entries(resolved.preload)) {
    for (const name of names)
      if (!ctx.apps.findByName(tenant, name)) ctx.apps.create(tenant, name, preloadedAt);
  }

  const app = Fastify({
    logger: false,
    requestIdHeader: false,
    genReqId: () => randomUUID().replaceAll('-', ''),
  });
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('X-request-Id', request.id);
    done();
  });
  // Signatures cover the exact body bytes, so every body is kept raw and parsed by the route.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.setNotFoundHandler((request, reply) => sendError(ctx, request, reply, errors.unknownApi()));
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status =
      error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    const answer =
      status >= 500 ? errors.internal() : new ApiError(status, 'RTC.00001002', error.message);
    return sendError(ctx, request, reply, answer);
  });

  registerAppRoutes(app, ctx);
  registerIam(app, ctx);
  registerIntrospection(app, ctx, controls);

  return {
    app,
    addTenant: controls.addTenant,
    setFaults: controls.setFaults,
    apps: controls.apps,
    stats: controls.stats,
  };
}

export async function startEmulator(
  options: EmulatorOptions = {},
  deps: EmulatorDeps = {},
): Promise<Emulator> {
  const built = buildEmulator(options, deps);
  const resolved = resolveOptions(options);
  await built.app.listen({ host: resolved.host, port: resolved.port });
  const address = built.app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    addTenant: built.addTenant,
    setFaults: built.setFaults,
    apps: built.apps,
    stats: built.stats,
    close: () => built.app.close(),
  };
}

function controlsOf(ctx: EmulatorContext): EmulatorControls {
  return {
    addTenant: (t) => {
      ctx.tenants.add(t);
      ctx.stats.tenant(t.id);
    },
    setFaults: (f) => ctx.faults.set(f),
    apps: () => ctx.apps.all(),
    stats: () => ctx.stats.snapshot(ctx.lockout.snapshot()),
    staleTokens: (tenantId) => ctx.tokens.markStale(tenantId),
    resetStats: () => {
      ctx.stats.reset();
      for (const id of ctx.tenants.ids()) ctx.tenants.window(id)?.resetPeak();
    },
  };
}
