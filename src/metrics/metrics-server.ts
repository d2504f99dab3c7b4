import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/** `/metrics` and `/healthz` for a worker process (`work --metrics-port`); the caller listens. */
export function buildMetricsServer(registry: Registry): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_req, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
  app.get('/healthz', () => ({ status: 'ok' }));
  return app;
}
