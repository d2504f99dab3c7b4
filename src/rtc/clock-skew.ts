import type { Clock } from '../infra/clock';
import type { Logger } from '../infra/logger';

/** Beyond this the API gateway rejects AK/SK signatures (X-Sdk-Date more than 15 min off). */
const WARN_ABOVE_MS = 10 * 60_000;

export interface SkewMonitor {
  observe(serverDate: string | undefined): void;
  skewMs(): number | undefined;
}

/** Tracks server `Date` minus local time; warns once when it exceeds 10 minutes. */
export function createSkewMonitor(
  deps: { clock: Clock; logger: Logger },
  what: string,
): SkewMonitor {
  let skew: number | undefined;
  let warned = false;
  return {
    observe(serverDate) {
      if (serverDate === undefined) return;
      const server = Date.parse(serverDate);
      if (Number.isNaN(server)) return;
      skew = server - deps.clock.now();
      if (!warned && Math.abs(skew) > WARN_ABOVE_MS) {
        warned = true;
        const minutes = Math.round(skew / 60_000);
        deps.logger.warn(
          { skewMs: skew, endpoint: what },
          `the local clock is off by ${Math.abs(minutes)} minutes (${minutes > 0 ? 'behind' : 'ahead of'} ${what}); ` +
            'AK/SK requests more than 15 minutes off are rejected (APIGW.0305): sync the clock (NTP)',
        );
      }
    },
    skewMs: () => skew,
  };
}
