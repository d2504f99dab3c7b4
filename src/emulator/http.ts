import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError } from './api-error';
import { errorBody } from './api-error';
import type { EmulatorContext } from './context';

/** The exact bytes received (the catch-all parser keeps them), empty when there was no body. */
export function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

export type JsonParse = { ok: true; value: unknown } | { ok: false };

export function parseJson(bytes: Buffer): JsonParse {
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sends a JSON answer (or an empty one for 204) and counts it. */
export function sendJson(
  ctx: EmulatorContext,
  reply: FastifyReply,
  status: number,
  body: unknown,
  tenantId?: string,
): FastifyReply {
  ctx.stats.answered(status, tenantId);
  reply.code(status);
  if (status === 204) return reply.send();
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
}

/** Sends the gateway's error body and counts it under the tenant's error codes. */
export function sendError(
  ctx: EmulatorContext,
  request: FastifyRequest,
  reply: FastifyReply,
  error: ApiError,
  tenantId?: string,
): FastifyReply {
  ctx.stats.answered(error.status, tenantId, error.code);
  reply.code(error.status).headers(error.headers);
  return reply
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(errorBody(error, request.id)));
}
