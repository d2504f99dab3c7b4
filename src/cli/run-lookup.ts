import type { RunMeta, RunStore } from '../runs/run-store';
import type { CliIo } from './io';

/** The run, or undefined after telling the operator (on stderr) how to find the right id. */
export async function findRun(
  store: RunStore,
  runId: string,
  prefix: string,
  io: CliIo,
): Promise<RunMeta | undefined> {
  const meta = await store.get(runId);
  if (!meta) {
    io.stderr.write(
      `rtc-provisioner: run ${runId} not found under prefix ${prefix} (list runs with: rtc-provisioner status --prefix ${prefix})\n`,
    );
  }
  return meta;
}
