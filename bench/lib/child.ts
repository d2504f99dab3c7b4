import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildMessage {
  type: string;
  [key: string]: unknown;
}

export interface BenchChild {
  readonly pid: number | undefined;
  send(message: ChildMessage): void;
  /** The next message of this type (queued if it already arrived). Rejects if the child dies first. */
  next<T extends { type: string }>(type: string, timeoutMs?: number): Promise<T>;
  /** Resolves with the exit code once the child is gone. */
  exited: Promise<number | null>;
  kill(): void;
}

export interface ChildOptions {
  /** Write a V8 CPU profile of the child here (`npm run bench -- --cpu-prof DIR`). */
  cpuProfDir?: string;
}

/**
 * Runs a bench child (`bench/lib/*-child.ts`) in its own Node process with tsx's loader: one
 * process, so its RSS and CPU are its own. Config goes in as JSON in argv; results come back over IPC.
 */
export function spawnChild(file: string, config: unknown, options: ChildOptions = {}): BenchChild {
  const profile = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  const child: ChildProcess = fork(new URL(file, import.meta.url), [JSON.stringify(config)], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx', ...profile],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const inbox: ChildMessage[] = [];
  const waiters: Array<{
    type: string;
    resolve: (m: ChildMessage) => void;
    reject: (e: Error) => void;
  }> = [];
  let dead: Error | undefined;

  child.on('message', (raw) => {
    const m = raw as ChildMessage;
    if (m.type === 'error') {
      fail(new Error(`bench child ${file} failed: ${String(m.message)}`));
      return;
    }
    const i = waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(m);
    else inbox.push(m);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code, signal) => {
      fail(new Error(`bench child ${file} exited (code ${code}, signal ${signal})`));
      resolve(code);
    });
  });

  function fail(err: Error): void {
    dead ??= err;
    for (const w of waiters.splice(0)) w.reject(dead);
  }

  return {
    pid: child.pid,
    send(message) {
      if (child.connected) child.send(message);
    },
    next<T extends { type: string }>(type: string, timeoutMs = 30 * 60_000): Promise<T> {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0] as T);
      if (dead) return Promise.reject(dead);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`bench child ${file}: no "${type}" within ${timeoutMs} ms`));
          child.kill('SIGKILL');
        }, timeoutMs);
        waiters.push({
          type,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m as T);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
      });
    },
    exited,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
