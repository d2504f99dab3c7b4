import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { QueueSet } from './queue-set';

export const BOARD_PATH = '/queues';
/** How often the board picks up queues of new runs. */
const REFRESH_MS = 5000;

/**
 * Two boards over the same queues: bull-board's own `readOnlyMode` one for everyone, and a
 * writable one that `rewriteUrl` routes authenticated requests to. The writable one lives under
 * an unguessable internal prefix that is never reachable directly. Each `run` has its own queue,
 * so the list is refreshed as runs come.
 */
export async function mountBullBoards(
  app: FastifyInstance,
  queues: QueueSet,
  internalPrefix: string,
  options: { writable: boolean },
): Promise<void> {
  const initial = await queues.list().catch(() => [queues.shared()]);
  const boards = [board(initial, true)];
  await app.register(boards[0]!.plugin, { prefix: BOARD_PATH });
  if (options.writable) {
    boards.push(board(initial, false));
    await app.register(boards[1]!.plugin, { prefix: `${internalPrefix}${BOARD_PATH}` });
  }
  let refreshed = Date.now();
  app.addHook('onRequest', async (request) => {
    const url = request.url;
    if (!url.includes(`${BOARD_PATH}/api/`) || Date.now() - refreshed < REFRESH_MS) return;
    refreshed = Date.now();
    const current = await queues.list().catch(() => undefined);
    if (current) for (const b of boards) b.replace(current);
  });
}

function board(queues: Queue[], readOnlyMode: boolean) {
  const adapter = new FastifyAdapter();
  // The UI builds its links and API calls from here, so both boards look like /queues to it.
  adapter.setBasePath(BOARD_PATH);
  const adapters = (qs: Queue[]) =>
    qs.map(
      (q) =>
        new BullMQAdapter(q, {
          readOnlyMode,
          description: 'provisioning jobs: tenant id, app name, line, progress (no secrets)',
        }),
    );
  const api = createBullBoard({
    queues: adapters(queues),
    serverAdapter: adapter,
    options: {
      uiConfig: {
        boardTitle: readOnlyMode ? 'rtc-provisioner queue (read-only)' : 'rtc-provisioner queue',
        hideDocsLink: true,
        miscLinks: [{ text: 'Runs', url: '/' }],
      },
    },
  });
  return {
    plugin: adapter.registerPlugin(),
    replace: (qs: Queue[]) => api.replaceQueues(adapters(qs)),
  };
}
