import { execFileSync } from 'node:child_process';
import { cpus, totalmem, platform, release } from 'node:os';
import type { Redis } from 'ioredis';
import { ROOT } from './child';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGB: number;
  os: string;
  node: string;
  redis: string;
  commit: string;
  /** Uncommitted changes in the working tree when the bench ran. */
  dirty: boolean;
}

export async function machineInfo(redis: Redis): Promise<MachineInfo> {
  const info = await redis.info('server');
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    redis: /^redis_version:(.*)$/m.exec(info)?.[1]?.trim() ?? 'unknown',
    commit: git(['rev-parse', 'HEAD']) ?? 'unknown',
    dirty: (git(['status', '--porcelain']) ?? '') !== '',
  };
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}
