import type { ProcessorObserver } from '../provision/processor';

type Hook = keyof ProcessorObserver;
const HOOKS: readonly Hook[] = ['onCall', 'onOutcome', 'onThrottle', 'onRetry'];

/**
 * One observer that calls each given one in turn. A throwing observer is reported to `onError`
 * and never reaches the processor: metrics must not fail a row.
 */
export function composeObservers(
  observers: ReadonlyArray<ProcessorObserver | undefined>,
  onError: (err: unknown, hook: Hook) => void = () => {},
): ProcessorObserver {
  const present = observers.filter((o): o is ProcessorObserver => o !== undefined);
  const composed: Record<string, (...args: unknown[]) => void> = {};
  for (const hook of HOOKS) {
    composed[hook] = (...args: unknown[]) => {
      for (const o of present) {
        const fn = (
          o as Record<Hook, ((this: ProcessorObserver, ...a: unknown[]) => void) | undefined>
        )[hook];
        if (!fn) continue;
        try {
          fn.apply(o, args);
        } catch (err) {
          onError(err, hook);
        }
      }
    };
  }
  return composed;
}
