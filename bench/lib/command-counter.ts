import { Redis } from 'ioredis';

interface SentCommand {
  name: string;
  args: unknown[];
}

type SendCommand = (this: Redis, command: SentCommand, stream?: unknown) => unknown;

/**
 * Counts the commands this process sends to Redis (the client side of `INFO commandstats`, which
 * also counts commands run inside scripts). EVALSHA is named by its script (`evalsha:moveToActive`),
 * so the breakdown shows which step of a job costs a round trip. Bench instrumentation only.
 */
export function countSentCommands(): { reset(): void; snapshot(): Record<string, number> } {
  let counts = new Map<string, number>();
  const shaNames = new Map<string, string>();
  const proto = Redis.prototype as unknown as { sendCommand: SendCommand };
  const original = proto.sendCommand;
  proto.sendCommand = function (this: Redis, command: SentCommand, stream?: unknown) {
    let name = command.name.toLowerCase();
    if (name === 'evalsha' || name === 'eval') {
      const sha = String(command.args[0]);
      let script = shaNames.get(sha);
      if (script === undefined) {
        const set = (this as unknown as { scriptsSet?: Record<string, { sha: string }> })
          .scriptsSet;
        script = Object.entries(set ?? {}).find(([, s]) => s.sha === sha)?.[0] ?? 'unknown';
        shaNames.set(sha, script);
      }
      name = `evalsha:${script.replace(/:[\d.]+$/, '').replace(/-\d+$/, '')}`;
    }
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return original.call(this, command, stream);
  };
  return {
    reset: () => (counts = new Map()),
    snapshot: () => Object.fromEntries([...counts].sort((a, b) => b[1] - a[1])),
  };
}
