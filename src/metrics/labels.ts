import type { ApiResult } from '../rtc/types';
import type { Classification } from '../rtc/classify';

/** Shapes an error code may take as a label value; anything else is `other`. */
const CODE_SHAPE = /^(?:[A-Z][A-Za-z]{1,15}\.\d{2,10}|ERR_[A-Z0-9_]{1,40}|HTTP_\d{3})$/;

/**
 * Keeps a label's distinct values bounded: the first `max` values seen pass through, later ones
 * become `other` (`free` values never count). A misbehaving API must not be able to blow up the metrics' cardinality.
 */
export function boundedLabel(
  max: number,
  free: readonly string[] = ['none', 'other'],
): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value) || free.includes(value)) return value;
    if (seen.size >= max) return 'other';
    seen.add(value);
    return value;
  };
}

/** `201`, `429`, … or `network` when no HTTP answer arrived. */
export function statusCodeLabel(result: ApiResult | undefined): string {
  return result ? String(result.status) : 'network';
}

/** The API's error code, our own for a network failure, `none` for a success. */
export function errorCodeLabel(result: ApiResult | undefined, cls: Classification): string {
  const code = result?.errorCode ?? ('code' in cls ? cls.code : undefined);
  if (code === undefined || code === '') return 'none';
  return CODE_SHAPE.test(code) ? code : 'other';
}
