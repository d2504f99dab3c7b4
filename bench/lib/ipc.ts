/** The child side of `spawnChild`: config from argv, messages over IPC, usage of this process. */

export function childConfig<T>(): T {
  const raw = process.argv[2];
  if (!raw) throw new Error('bench child: expected its JSON config as the first argument');
  return JSON.parse(raw) as T;
}

export function reply(message: { type: string; [key: string]: unknown }): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) {
      reject(new Error('bench child: no IPC channel (start it with spawnChild)'));
      return;
    }
    process.send(message, undefined, {}, (err) => (err ? reject(err) : resolve()));
  });
}

/** Resolves with the next parent message of this type. */
export function nextMessage<T extends { type: string }>(type: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (raw: unknown) => {
      const m = raw as T;
      if (m.type !== type) return;
      process.off('message', on);
      resolve(m);
    };
    process.on('message', on);
  });
}

export interface Usage {
  /** Peak resident set size of this process, bytes. */
  maxRssBytes: number;
  cpuUserMs: number;
  cpuSystemMs: number;
}

/** Peak RSS so far and CPU since `since` (a `process.cpuUsage()` snapshot). */
export function usage(since?: NodeJS.CpuUsage): Usage {
  const cpu = process.cpuUsage(since);
  return {
    // Linux reports maxRSS in kilobytes.
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
  };
}

/** Runs the child's main; any failure is reported to the parent, then the process exits 1. */
export function runChild(main: () => Promise<void>): void {
  // The bench died: nobody will send `stop`, so don't linger.
  process.on('disconnect', () => process.exit(1));
  main().then(
    () => process.exit(0),
    async (err: unknown) => {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      await reply({ type: 'error', message }).catch(() => {});
      process.exit(1);
    },
  );
}

export interface MemoryPeaks {
  /** RSS when sampling started: Node, tsx's loader and the loaded modules. */
  startRssBytes: number;
  heapTotalBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
}

/** Samples process.memoryUsage() every `everyMs` and keeps the peaks: where the RSS goes. */
export function sampleMemory(everyMs = 100): { stop(): MemoryPeaks } {
  const start = process.memoryUsage();
  const peaks: MemoryPeaks = {
    startRssBytes: start.rss,
    heapTotalBytes: start.heapTotal,
    heapUsedBytes: start.heapUsed,
    externalBytes: start.external,
  };
  const take = () => {
    const m = process.memoryUsage();
    peaks.heapTotalBytes = Math.max(peaks.heapTotalBytes, m.heapTotal);
    peaks.heapUsedBytes = Math.max(peaks.heapUsedBytes, m.heapUsed);
    peaks.externalBytes = Math.max(peaks.externalBytes, m.external);
  };
  const timer = setInterval(take, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      take();
      return peaks;
    },
  };
}
