import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';

export const BOARD_PATH = '/queues';

/**
 * Two boards over the same queue: bull-board's own `readOnlyMode` one for everyone, and a
 * writable one that `rewriteUrl` routes authenticated requests to. The writable one lives under
 * an unguessable internal prefix that is never reachable directly.
 */
export async function mountBullBoards(
  app: FastifyInstance,
  queue: Queue,
  internalPrefix: string,
  options: { writable: boolean },
): Promise<void> {
  await app.register(boardPlugin(queue, true), { prefix: BOARD_PATH });
  if (options.writable)
    await app.register(boardPlugin(queue, false), { prefix: `${internalPrefix}${BOARD_PATH}` });
}

function boardPlugin(queue: Queue, readOnlyMode: boolean) {
  const adapter = new FastifyAdapter();
  // The UI builds its links and API calls from here, so both boards look like /queues to it.
  adapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: [
      new BullMQAdapter(queue, {
        readOnlyMode,
        description: 'provisioning jobs: tenant id, app name, line, progress (no secrets)',
      }),
    ],
    serverAdapter: adapter,
    options: {
      uiConfig: {
        boardTitle: readOnlyMode ? 'rtc-provisioner queue (read-only)' : 'rtc-provisioner queue',
        hideDocsLink: true,
        miscLinks: [{ text: 'Runs', url: '/' }],
      },
    },
  });
  return adapter.registerPlugin();
}
