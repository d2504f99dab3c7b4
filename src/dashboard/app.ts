import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import type { Logger } from '../infra/logger';
import { collectClusterMetrics } from '../metrics/cluster-metrics';
import { createQueueSet } from './queue-set';
import { createRunStore } from '../runs/run-store';
import { createAuthenticator, type DashboardAuthOptions } from './auth';
import { registerAuthRoutes } from './auth-routes';
import { BOARD_PATH, mountBullBoards } from './bull-board';
import { CLIENT_SCRIPT } from './client-script';
import type { PageContext } from './layout';
import { registerRunRoutes } from './run-routes';
import { writeGuard } from './write-guard';

export interface DashboardOptions extends DashboardAuthOptions {
  prefix: string;
  /** No write action at all, even with credentials. */
  readOnly?: boolean;
  /** `/readyz` answers 503 when Redis does not answer a PING within this. */
  readyTimeoutMs?: number;
  /** Live refresh period of the run pages. */
  refreshMs?: number;
  /** Cap on `rtcp_run_rows` series. */
  maxRowSeries?: number;
}

export interface DashboardDeps {
  /** A connection that fails fast while Redis is down (pages answer 503 rather than hang). */
  redis: Redis;
  /** The shared queue (default: opened under `prefix` on `redis`); runs' own queues are added. */
  queue?: Queue;
  logger?: Logger;
  /** This process's own metrics (process_*), served beside the cluster ones. */
  registry?: Registry;
}

const CSP =
  "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'";

/**
 * The dashboard: run pages, their JSON, reports, resume, bull-board at /queues, /metrics, /healthz,
 * /readyz. Built, not started: tests use `inject()`, the CLI calls `listen()`.
 */
export async function buildDashboard(
  options: DashboardOptions,
  deps: DashboardDeps,
): Promise<FastifyInstance> {
  const auth = createAuthenticator(options);
  const readOnly = options.readOnly ?? false;
  const writable = auth.enabled && !readOnly;
  const internal = `/_rw-${randomUUID()}`;
  const isBoard = (url: string) =>
    url === BOARD_PATH || url.startsWith(`${BOARD_PATH}/`) || url.startsWith(`${BOARD_PATH}?`);

  const app = Fastify({
    ...(deps.logger
      ? { loggerInstance: deps.logger as unknown as FastifyBaseLogger }
      : { logger: false }),
    // The pages poll every 2 s: request lines would drown the log.
    logController: new LogController({ disableRequestLogging: true }),
    // Authenticated bull-board requests go to the writable board; nobody reaches it directly.
    rewriteUrl(req) {
      const url = req.url ?? '/';
      if (url.startsWith(internal)) return '/_not-found';
      return writable && isBoard(url) && auth.check(req.headers) ? `${internal}${url}` : url;
    },
  });
  const store = createRunStore(deps.redis, options.prefix);
  const queues = createQueueSet(deps.redis, options.prefix, store, deps.queue);
  const guard = writeGuard({ auth, readOnly, basicRealm: options.basicAuth !== undefined });
  const context = (path: string, authenticated: boolean): PageContext => ({
    authEnabled: auth.enabled,
    authenticated,
    readOnly,
    path,
    refreshMs: options.refreshMs ?? 2000,
  });
  const contextOf = (request: FastifyRequest) => context(request.url, auth.check(request.headers));

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );
  app.addHook('onRequest', async (request, reply) => {
    const url = request.url;
    if (!isBoard(url) && !url.startsWith(internal)) {
      void reply
        .header('content-security-policy', CSP)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'same-origin');
    }
    // Writes on the read-only board: say 401 (log in) rather than bull-board's 405.
    if (
      request.method !== 'GET' &&
      request.method !== 'HEAD' &&
      (isBoard(url) || url.startsWith(internal))
    )
      await guard.call(app, request, reply);
  });
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (err.statusCode && err.statusCode < 500)
      return reply
        .code(err.statusCode)
        .send({ code: err.code ?? 'ERR_BAD_REQUEST', message: err.message });
    request.log.error({ err }, 'dashboard request failed');
    const redisDown =
      /connect|ECONNREFUSED|Connection is closed|max retries|Stream isn't writeable|ETIMEDOUT/i.test(
        err.message,
      );
    return reply.code(redisDown ? 503 : 500).send({
      code: redisDown ? 'ERR_REDIS_UNAVAILABLE' : 'ERR_INTERNAL',
      message: redisDown
        ? 'Redis is not reachable; the dashboard answers again once it is'
        : 'internal error',
    });
  });
  app.addHook('onClose', async () => {
    await queues.close();
  });

  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await withTimeout(deps.redis.ping(), options.readyTimeoutMs ?? 1000);
      return { status: 'ready' };
    } catch (err) {
      return reply.code(503).send({
        status: 'unavailable',
        code: 'ERR_REDIS_UNAVAILABLE',
        message: `Redis did not answer a PING: ${(err as Error).message}`,
      });
    }
  });
  app.get('/metrics', async (_request, reply) => {
    const cluster = await collectClusterMetrics(
      { redis: deps.redis, store, queues: await queues.list(), prefix: options.prefix },
      { ...(options.maxRowSeries ? { maxRowSeries: options.maxRowSeries } : {}) },
    );
    const registry = deps.registry ? Registry.merge([deps.registry, cluster]) : cluster;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  app.get('/assets/dashboard.js', (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(CLIENT_SCRIPT),
  );

  registerAuthRoutes(app, auth, { basic: options.basicAuth !== undefined, context });
  registerRunRoutes(app, {
    redis: deps.redis,
    store,
    queues,
    prefix: options.prefix,
    context: contextOf,
    guard,
  });
  await mountBullBoards(app, queues, internal, { writable });
  return app;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
