import type { Redis } from 'ioredis';

export interface CommandStat {
  command: string;
  calls: number;
  usec: number;
}

/** Parses `INFO commandstats` (`cmdstat_hset:calls=3,usec=12,...`). */
export function parseCommandStats(info: string): CommandStat[] {
  const out: CommandStat[] = [];
  for (const line of info.split(/\r?\n/)) {
    const m = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (m) out.push({ command: m[1]!, calls: Number(m[2]), usec: Number(m[3]) });
  }
  return out.sort((a, b) => b.calls - a.calls);
}

/** One `INFO` field as a number (e.g. `used_cpu_user` in section `cpu`). */
export function infoNumber(info: string, field: string): number {
  const m = new RegExp(`^${field}:([0-9.]+)`, 'm').exec(info);
  return m ? Number(m[1]) : Number.NaN;
}

/** Zeroes the counters of a private bench Redis (never the shared one). */
export async function resetStats(redis: Redis): Promise<{ cpuSec: number }> {
  await redis.config('RESETSTAT');
  return { cpuSec: await redisCpuSeconds(redis) };
}

export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  return infoNumber(info, 'used_cpu_user') + infoNumber(info, 'used_cpu_sys');
}

export interface CommandProfile {
  /** Every command Redis executed, including those run inside Lua scripts. */
  total: number;
  /** EVAL/EVALSHA/FCALL: one round trip each, whatever they do inside. */
  scripts: number;
  top: Array<{ command: string; calls: number; perJob: number; usecPerJob: number }>;
}

/** Command counts since the last reset, per job, with the top `n` commands. */
export async function commandProfile(redis: Redis, jobs: number, n = 10): Promise<CommandProfile> {
  const stats = parseCommandStats(await redis.info('commandstats')).filter(
    (s) => s.command !== 'info' && s.command !== 'config',
  );
  const per = (x: number) => Math.round((x / Math.max(1, jobs)) * 100) / 100;
  return {
    total: stats.reduce((sum, s) => sum + s.calls, 0),
    scripts: stats
      .filter((s) => /^(eval|evalsha|eval_ro|evalsha_ro|fcall)$/.test(s.command))
      .reduce((sum, s) => sum + s.calls, 0),
    top: stats.slice(0, n).map((s) => ({
      command: s.command,
      calls: s.calls,
      perJob: per(s.calls),
      usecPerJob: per(s.usec),
    })),
  };
}
