import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody, errors } from './api-error';
import type { EmulatorContext } from './context';
import { isRecord, parseJson, rawBody } from './http';
import type { EmulatorFaults, EmulatorTenant } from './options';
import type { EmulatorApp } from './state';
import type { EmulatorStats } from './stats';

/** What the introspection routes and the in-process handle both drive. */
export interface EmulatorControls {
  addTenant: (t: EmulatorTenant) => void;
  setFaults: (f: EmulatorFaults) => void;
  apps: () => EmulatorApp[];
  stats: () => EmulatorStats;
  /** Makes the tenant's current IAM tokens answer 401 APIGW.0307; returns how many. */
  staleTokens: (tenantId: string) => number;
  resetStats: () => void;
}

/** `/_emulator/*`: unauthenticated controls for tests, demos and benchmarks. */
export function registerIntrospection(
  app: FastifyInstance,
  ctx: EmulatorContext,
  controls: EmulatorControls,
): void {
  // Not counted in the stats: watching the emulator must not change what it reports.
  app.get('/_emulator/apps', (_request, reply) => json(reply, 200, controls.apps()));
  app.get('/_emulator/stats', (_request, reply) => json(reply, 200, controls.stats()));

  app.post('/_emulator/tenants', (request, reply) => {
    const body = objectBody(request);
    if (!body || typeof body.id !== 'string' || body.id === '') {
      return refuse(request, reply, 'expected a tenant object with a non-empty "id"');
    }
    controls.addTenant(body as unknown as EmulatorTenant);
    return json(reply, 201, { id: body.id });
  });

  app.post('/_emulator/faults', (request, reply) => {
    const body = objectBody(request);
    if (!body) return refuse(request, reply, 'expected a faults object');
    controls.setFaults(body);
    return json(reply, 200, ctx.faults.current);
  });

  app.post('/_emulator/tokens/stale', (request, reply) => {
    const body = objectBody(request);
    if (!body || typeof body.tenant !== 'string') {
      return refuse(request, reply, 'expected {"tenant": "<id>"}');
    }
    return json(reply, 200, { tenant: body.tenant, stale: controls.staleTokens(body.tenant) });
  });

  app.post('/_emulator/reset-stats', (_request, reply) => {
    controls.resetStats();
    return reply.code(204).send();
  });
}

function objectBody(request: FastifyRequest): Record<string, unknown> | undefined {
  const parsed = parseJson(rawBody(request));
  return parsed.ok && isRecord(parsed.value) ? parsed.value : undefined;
}

function json(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

function refuse(request: FastifyRequest, reply: FastifyReply, detail: string): FastifyReply {
  const error = errors.malformed(detail);
  return json(reply, error.status, errorBody(error, request.id));
}
