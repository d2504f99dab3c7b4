/** Median of the finite values; NaN when there are none. */
export function median(values: readonly number[]): number {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (xs.length === 0) return Number.NaN;
  const mid = Math.floor(xs.length / 2);
  return xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/** product / baseline, rounded to 3 places; NaN when either is missing. */
export function ratio(product: number, baseline: number): number {
  if (!Number.isFinite(product) || !Number.isFinite(baseline) || baseline === 0) return Number.NaN;
  return Math.round((product / baseline) * 1000) / 1000;
}

export function round(x: number, places = 1): number {
  const f = 10 ** places;
  return Math.round(x * f) / f;
}

export const MB = 1024 * 1024;

/**
 * Runs product and baseline alternately (`p b p b …`, the first pair's order flipped on odd
 * repeats) so drift on a noisy machine hits both alike.
 */
export async function alternate<P, B>(
  repeats: number,
  product: (i: number) => Promise<P>,
  baseline: (i: number) => Promise<B>,
): Promise<{ product: P[]; baseline: B[] }> {
  const out = { product: [] as P[], baseline: [] as B[] };
  for (let i = 0; i < repeats; i++) {
    if (i % 2 === 0) {
      out.product.push(await product(i));
      out.baseline.push(await baseline(i));
    } else {
      out.baseline.push(await baseline(i));
      out.product.push(await product(i));
    }
  }
  return out;
}
