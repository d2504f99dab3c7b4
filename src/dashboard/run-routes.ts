import { releaseHeld } from '../runs/release-held';
import type { QueueSet } from './queue-set';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  preHandlerAsyncHookHandler,
} from 'fastify';
import type { Redis } from 'ioredis';
import type { RunStore } from '../runs/run-store';
import { markup } from './html';
import { page, type PageContext } from './layout';
import { reportStream } from './report-stream';
import { runPage, runSections } from './run-page';
import { listRuns, loadRunView } from '../runs/run-view';
import { runsPage, runsTableBody } from './runs-page';

export interface RunRoutesDeps {
  redis: Redis;
  store: RunStore;
  queues: QueueSet;
  prefix: string;
  context: (request: FastifyRequest) => PageContext;
  guard: preHandlerAsyncHookHandler;
}

type RunParams = { Params: { id: string } };
type ViewQuery = {
  html?: string;
  failures?: string;
  timeline?: string;
  resumed?: string;
  n?: string;
};
const yes = (v: string | undefined) => v === '1' || v === 'true';

/** Run list and run pages, their JSON for the live refresh and scripts, report downloads, resume. */
export function registerRunRoutes(app: FastifyInstance, d: RunRoutesDeps): void {
  const viewDeps = { redis: d.redis, store: d.store, prefix: d.prefix };
  const notFound = (request: FastifyRequest, reply: FastifyReply, id: string) =>
    wantsHtml(request)
      ? reply
          .code(404)
          .type('text/html')
          .send(
            page(
              'Not found',
              d.context(request),
              markup`<h1>Run not found</h1><p>No run <span class="mono">${id}</span> under prefix <span class="mono">${d.prefix}</span>. <a href="/">All runs</a></p>`,
            ),
          )
      : reply.code(404).send({
          code: 'ERR_RUN_NOT_FOUND',
          message: `run ${id} not found under prefix ${d.prefix}`,
        });

  app.get('/', async (request, reply) =>
    reply.type('text/html').send(runsPage(await listRuns(d.store), d.context(request))),
  );

  app.get<{ Querystring: ViewQuery }>('/api/runs', async (request) => {
    const runs = await listRuns(d.store);
    return yes(request.query.html) ? { runs, html: runsTableBody(runs).html } : { runs };
  });

  app.get<RunParams & { Querystring: ViewQuery }>('/runs/:id', async (request, reply) => {
    const view = await loadRunView(viewDeps, request.params.id, { failures: true, timeline: true });
    if (!view) return notFound(request, reply, request.params.id);
    const { resumed, n } = request.query;
    const flash = resumed
      ? `Tenant ${resumed} released: ${n ?? 0} held rows queued again; the run's workers pick them up.`
      : undefined;
    return reply.type('text/html').send(runPage(view, d.context(request), flash));
  });

  app.get<RunParams & { Querystring: ViewQuery }>('/api/runs/:id', async (request, reply) => {
    const q = request.query;
    const view = await loadRunView(viewDeps, request.params.id, {
      failures: yes(q.failures),
      timeline: yes(q.timeline),
    });
    if (!view) return notFound(request, reply, request.params.id);
    return yes(q.html) ? { ...view, sections: runSections(view, d.context(request)) } : view;
  });

  for (const format of ['csv', 'jsonl'] as const) {
    app.get<RunParams>(`/runs/:id/report.${format}`, async (request, reply) => {
      const meta = await d.store.get(request.params.id);
      if (!meta) return notFound(request, reply, request.params.id);
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="${meta.id}.${format}"`)
        .send(reportStream(d.store, meta, format));
    });
  }

  app.post<{ Params: { id: string; tenant: string } }>(
    '/runs/:id/tenants/:tenant/resume',
    { preHandler: d.guard },
    async (request, reply) => {
      const { id, tenant } = request.params;
      const meta = await d.store.get(id);
      if (!meta) return notFound(request, reply, id);
      const held = await d.store.held(id);
      if (!held[tenant]) {
        return reply.code(409).send({
          code: 'ERR_NOT_HELD',
          message: `tenant ${tenant} is not held in run ${id} (held: ${Object.keys(held).join(', ') || 'none'})`,
        });
      }
      // The same steps as `rtc-provisioner resume --tenant`: whichever workers serve the run pick the rows up.
      const { parked, promoted } = (
        await releaseHeld(d.store, d.queues.forRun(meta), id, [tenant])
      )[tenant] ?? { parked: 0, promoted: 0 };
      request.log.info(
        { run: id, tenant, rows: parked, promoted },
        'tenant resumed from the dashboard',
      );
      if (wantsHtml(request))
        return reply.redirect(
          `/runs/${encodeURIComponent(id)}?resumed=${encodeURIComponent(tenant)}&n=${parked}`,
          303,
        );
      return { run: id, tenant, released: parked, promoted };
    },
  );
}

function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html');
}
