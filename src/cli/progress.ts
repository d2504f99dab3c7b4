import cliProgress from 'cli-progress';
import type { Logger } from '../infra/logger';
import type { RunProgress } from '../runs/wait-for-run';

export interface ProgressView {
  update(p: RunProgress): void;
  stop(): void;
}

/** A live bar on a terminal; JSON log lines (at most one every 2 s) otherwise. */
export function progressView(options: {
  tty: boolean;
  logger: Logger;
  stream: NodeJS.WritableStream;
  quiet?: boolean;
}): ProgressView {
  if (options.quiet) return { update: () => {}, stop: () => {} };
  if (!options.tty) {
    let last = 0;
    return {
      update(p) {
        const now = Date.now();
        if (now - last < 2000 && !p.settled) return;
        last = now;
        options.logger.info(
          {
            run: p.meta.id,
            done: p.counts.done,
            held: p.counts.held,
            total: p.meta.total ?? null,
            byStatus: nonZero(p.counts.byStatus),
          },
          'progress',
        );
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: '{bar} {value}/{total} rows | {rate} rows/s | ETA {eta_formatted} | {statuses}{held}',
      barCompleteChar: '█',
      barIncompleteChar: '░',
      hideCursor: true,
      stream: options.stream,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let active = false;
  return {
    update(p) {
      const total = p.meta.total ?? Math.max(p.counts.done + p.counts.held, 1);
      const value = p.counts.done + p.counts.held;
      const payload = {
        rate: (value / Math.max((Date.now() - started) / 1000, 0.001)).toFixed(1),
        statuses: Object.entries(nonZero(p.counts.byStatus))
          .map(([s, n]) => `${s} ${n}`)
          .join(' '),
        held: p.counts.held ? ` | held ${p.counts.held}` : '',
      };
      if (!active) {
        bar.start(total, value, payload);
        active = true;
      } else {
        bar.setTotal(total);
        bar.update(value, payload);
      }
    },
    stop() {
      if (active) bar.stop();
    },
  };
}

function nonZero(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}

/**
 * Progress while a file is queued (its length is unknown until the end): one rewritten line on a
 * terminal, a JSON log line at most every 2 s otherwise.
 */
export function queueingView(options: {
  tty: boolean;
  logger: Logger;
  stream: NodeJS.WritableStream;
  quiet?: boolean;
}): { update(p: { read: number; queued: number }): void; stop(): void } {
  if (options.quiet) return { update: () => {}, stop: () => {} };
  const started = Date.now();
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < (options.tty ? 200 : 2000)) return;
      last = now;
      const rate = Math.round(p.read / Math.max((now - started) / 1000, 0.001));
      if (options.tty) {
        options.stream.write(`\rqueueing: ${p.read} rows read, ${p.queued} queued, ${rate} rows/s`);
        drawn = true;
      } else {
        options.logger.info({ read: p.read, queued: p.queued, rowsPerSecond: rate }, 'queueing');
      }
    },
    stop() {
      if (drawn) options.stream.write('\n');
    },
  };
}
