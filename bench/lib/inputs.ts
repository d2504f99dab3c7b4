import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export type BenchFormat = 'csv' | 'json' | 'jsonl';

/** `t0007`: tenant ids the validator accepts, sortable. */
export function tenantId(i: number): string {
  return `t${String(i).padStart(4, '0')}`;
}

/** Row `i` (0-based) of a generated input: tenants round-robin, unique names. */
export function rowAt(i: number, tenants: number): { tenant: string; appName: string } {
  return { tenant: tenantId(i % tenants), appName: `bench-app-${String(i).padStart(7, '0')}` };
}

function lineOf(format: BenchFormat, i: number, tenants: number, last: boolean): string {
  const { tenant, appName } = rowAt(i, tenants);
  if (format === 'csv') return `${tenant},${appName}\n`;
  const obj = `{"tenant":"${tenant}","app_name":"${appName}"}`;
  return format === 'jsonl' ? `${obj}\n` : `${obj}${last ? '' : ','}\n`;
}

/** Writes `rows` generated rows in the given format, streaming (64 KB writes, with backpressure). */
export async function writeInput(
  path: string,
  format: BenchFormat,
  rows: number,
  tenants: number,
): Promise<void> {
  const out = createWriteStream(path);
  const closed = once(out, 'close');
  let buf = format === 'csv' ? 'tenant,app_name\n' : format === 'json' ? '[\n' : '';
  for (let i = 0; i < rows; i++) {
    buf += lineOf(format, i, tenants, i === rows - 1);
    if (buf.length >= 65_536) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  if (format === 'json') buf += ']\n';
  out.end(buf);
  await closed;
}
