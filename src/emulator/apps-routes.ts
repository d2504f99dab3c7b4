import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, errors } from './api-error';
import { authenticate } from './auth';
import type { EmulatorContext } from './context';
import { isRecord, parseJson, rawBody, sendError, sendJson } from './http';
import type { EmulatorTenant } from './options';
import { describeWindow } from './sliding-window';
import { APP_STATES, appView } from './state';
import { ABORTED, DROPPED } from './stats';

/** What an operation decided; `onSent` runs only when the answer really goes out. */
type Answer =
  { status: number; body?: unknown; onSent?: () => void } | { error: ApiError } | { drop: true };

type Operation = (tenant: EmulatorTenant, request: FastifyRequest) => Answer;

const MAX_NAME_LENGTH = 64;
// Control characters would corrupt reports and logs; the API otherwise takes any UTF-8.
const CONTROL = /\p{Cc}/u;

/** The SparkRTC application-management API: create, list, show, delete. */
export function registerAppRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const route = (op: Operation) => (request: FastifyRequest, reply: FastifyReply) =>
    serve(ctx, request, reply, op);
  app.post('/v2/apps', route(createApp(ctx)));
  app.get('/v2/apps', route(listApps(ctx)));
  app.get('/v2/apps/:app_id', route(showApp(ctx)));
  app.delete('/v2/apps/:app_id', route(deleteApp(ctx)));
}

/** Gateway first (auth, then the tenant's rate limit), then the service, then latency. */
async function serve(
  ctx: EmulatorContext,
  request: FastifyRequest,
  reply: FastifyReply,
  op: Operation,
): Promise<FastifyReply | undefined> {
  const auth = authenticate(ctx, request);
  let tenantId: string | undefined;
  let answer: Answer;
  if (!auth.ok) {
    tenantId = auth.tenantId;
    if (tenantId !== undefined) ctx.stats.tenant(tenantId).authFailures++;
    answer = { error: auth.error };
  } else {
    tenantId = auth.tenant.id;
    answer = throttle(ctx, tenantId) ?? attempt(() => op(auth.tenant, request));
  }

  const wait = ctx.faults.nextLatency();
  if (wait > 0) {
    ctx.stats.fault('latencyInjected');
    await delay(wait);
  }

  if ('drop' in answer || reply.raw.destroyed) {
    // Either the fault drops the connection, or the client left while we waited.
    ctx.stats.answered('drop' in answer ? DROPPED : ABORTED, tenantId);
    reply.hijack();
    reply.raw.destroy();
    request.raw.socket?.destroy();
    return undefined;
  }
  if ('error' in answer) return sendError(ctx, request, reply, answer.error, tenantId);
  answer.onSent?.();
  return sendJson(ctx, reply, answer.status, answer.body, tenantId);
}

function throttle(ctx: EmulatorContext, tenantId: string): Answer | undefined {
  const window = ctx.tenants.window(tenantId);
  if (!window) return undefined;
  const admission = window.admit(ctx.clock.now());
  const stats = ctx.stats.tenant(tenantId);
  stats.maxInWindow = Math.max(stats.maxInWindow, window.maxInWindow);
  if (admission.accepted) return undefined;
  stats.throttled++;
  const headers: Record<string, string> = ctx.options.retryAfterHeader
    ? { 'Retry-After': String(Math.max(1, Math.ceil(admission.retryAfterMs / 1000))) }
    : {};
  const message = `The throttling threshold has been reached: policy user over ratelimit, ${describeWindow(window.rate)}`;
  return { error: errors.throttled(message, headers) };
}

function attempt(op: () => Answer): Answer {
  try {
    return op();
  } catch (error) {
    if (error instanceof ApiError) return { error };
    throw error;
  }
}

function createApp(ctx: EmulatorContext): Operation {
  return (tenant, request) => {
    const parsed = parseJson(rawBody(request));
    if (!parsed.ok) throw errors.malformed('the body is not valid JSON');
    if (!isRecord(parsed.value)) throw errors.malformed('the body must be a JSON object');
    const name = parsed.value.app_name;
    if (typeof name !== 'string') throw errors.missing('app_name is required and must be a string');
    checkName(name);

    const fault = ctx.faults.nextCreate();
    if (fault === 'error500') {
      ctx.stats.fault('error500');
      throw errors.internal();
    }
    if (ctx.apps.findByName(tenant.id, name)) throw errors.appExists();
    if (ctx.apps.count(tenant.id) >= ctx.tenants.quota(tenant.id)) {
      ctx.stats.tenant(tenant.id).appsExceed++;
      throw errors.appsExceed();
    }
    const app = ctx.apps.create(tenant.id, name, ctx.clock.now());
    if (fault === 'ambiguous500') {
      ctx.stats.fault('ambiguous500');
      throw errors.internal();
    }
    if (fault === 'ambiguousDrop') {
      ctx.stats.fault('ambiguousDrop');
      return { drop: true };
    }
    return {
      status: 201,
      body: { app_id: app.app_id },
      onSent: () => {
        app.created201++;
        ctx.stats.tenant(tenant.id).created201++;
      },
    };
  };
}

function checkName(name: string): void {
  if (name.length === 0) throw errors.invalidValue('app_name must not be empty');
  if ([...name].length > MAX_NAME_LENGTH) {
    throw errors.invalidValue(`app_name must be at most ${MAX_NAME_LENGTH} characters`);
  }
  if (CONTROL.test(name)) throw errors.invalidValue('app_name must not contain control characters');
}

function listApps(ctx: EmulatorContext): Operation {
  return (tenant, request) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const limit = integerParam(query.limit, 'limit', 100, 1, 100);
    const page = integerParam(query.offset, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const state = stringParam(query.state, 'state');
    if (state !== undefined && !(APP_STATES as readonly string[]).includes(state)) {
      throw errors.invalidValue(`state must be one of ${APP_STATES.join(', ')}`);
    }
    // Every emulated app is ACTIVATION; the other states select nothing.
    const matching = state === undefined || state === 'ACTIVATION' ? ctx.apps.count(tenant.id) : 0;
    const apps = [];
    if (matching > 0) {
      const first = page * limit;
      let i = 0;
      for (const app of ctx.apps.list(tenant.id)) {
        if (i >= first + limit) break;
        if (i >= first) apps.push(appView(app));
        i++;
      }
    }
    return { status: 200, body: { count: matching, apps } };
  };
}

function showApp(ctx: EmulatorContext): Operation {
  return (tenant, request) => ({ status: 200, body: appView(findApp(ctx, tenant, request)) });
}

function deleteApp(ctx: EmulatorContext): Operation {
  return (tenant, request) => {
    ctx.apps.delete(findApp(ctx, tenant, request));
    return { status: 204 };
  };
}

function findApp(ctx: EmulatorContext, tenant: EmulatorTenant, request: FastifyRequest) {
  const id = (request.params as { app_id: string }).app_id;
  const app = ctx.apps.findById(tenant.id, id);
  if (!app) throw errors.notFound(`app_id ${id} does not exist`);
  return app;
}

function stringParam(value: unknown, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw errors.invalidValue(`${name} must be given once`);
  return value;
}

function integerParam(
  value: unknown,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = stringParam(value, name);
  if (text === undefined) return fallback;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw errors.invalidValue(`${name} must be an integer from ${min} to ${max}`);
  }
  return n;
}
