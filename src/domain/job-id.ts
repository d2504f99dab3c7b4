import { createHash } from 'node:crypto';

/**
 * Deterministic BullMQ job id for a row: run id + tenant + name digest.
 * Never contains `:` (BullMQ's key separator) and is never all digits (BullMQ reads those as
 * its own auto-increment ids).
 */
export function jobIdFor(runId: string, tenant: string, appName: string): string {
  const digest = createHash('sha256')
    .update(`${tenant}\u0000${appName}`)
    .digest('hex')
    .slice(0, 24);
  return `${safe(runId).slice(0, 80)}.${safe(tenant).slice(0, 64)}.${digest}`;
}

function safe(part: string): string {
  const cleaned = part.replace(/[^A-Za-z0-9_-]/g, '_');
  return cleaned === '' ? '_' : cleaned;
}
