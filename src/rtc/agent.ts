import { Agent } from 'undici';

/** A keep-alive agent for the RTC API and IAM, shared by every client of a process. */
export function createHttpAgent(
  options: { connections?: number; connectTimeoutMs?: number } = {},
): Agent {
  return new Agent({
    connections: options.connections ?? 16,
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
  });
}
