import { ConfigError } from '../domain/errors';
import type { EmulatorFaults } from '../emulator';

/** Parses `500=0.05,ambiguous=0.02,latency=5-20,seed=7` into emulator faults. */
export function parseFaults(text: string | undefined): EmulatorFaults | undefined {
  if (!text) return undefined;
  const faults: EmulatorFaults = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, value = ''] = part.split('=');
    const n = Number(value);
    switch (key) {
      case '500':
        faults.error500Rate = rateOf(n, part);
        break;
      case 'ambiguous':
        faults.ambiguousRate = rateOf(n, part);
        break;
      case 'seed':
        faults.seed = Number.isInteger(n) ? n : bad(part);
        break;
      case 'latency': {
        const [lo, hi] = value.split('-').map(Number);
        if (lo === undefined || !Number.isFinite(lo)) bad(part);
        faults.latencyMs = [lo, Number.isFinite(hi) ? hi! : lo];
        break;
      }
      default:
        bad(part);
    }
  }
  return faults;
}

function rateOf(n: number, part: string): number {
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : bad(part);
}

function bad(part: string): never {
  throw new ConfigError(
    `--emulator-faults: cannot read "${part}"; write e.g. 500=0.05,ambiguous=0.02,latency=5-20,seed=7`,
  );
}
