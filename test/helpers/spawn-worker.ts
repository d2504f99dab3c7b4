import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { BIN, ROOT } from './cli';

export interface SpawnedWorker {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/** A real `rtc-provisioner work` process. */
export function spawnWorker(args: string[], env: NodeJS.ProcessEnv): SpawnedWorker {
  const child = spawn(process.execPath, [BIN, 'work', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, output: () => out, exited };
}
