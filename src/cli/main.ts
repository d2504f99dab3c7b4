import { createLogger } from '../infra/logger';
import type { CliIo } from './io';
import { buildProgram, exitCodeFor, messageFor } from './program';

async function main(): Promise<void> {
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info', name: 'rtc-provisioner' });
  const controller = new AbortController();
  let signals = 0;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      signals++;
      if (signals > 1) process.exit(130);
      logger.warn(`${sig}: stopping (send it again to exit at once)`);
      controller.abort(new Error(sig));
    });
  }
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    isTTY: Boolean(process.stderr.isTTY),
    logger,
    signal: controller.signal,
  };
  let code = 0;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      code = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    } else if (controller.signal.aborted) {
      // Stopped on request before anything could be lost: queued rows wait for `resume`.
      process.stderr.write(
        'rtc-provisioner: interrupted; nothing was lost (a started run continues with: rtc-provisioner resume <run-id>)\n',
      );
      code = 0;
    } else {
      code = exitCodeFor(err);
      process.stderr.write(`rtc-provisioner: ${messageFor(err)}\n`);
      if (code === 1) logger.error({ err }, 'unexpected error');
    }
  }
  logger.flush?.();
  process.exit(code);
}

await main();
