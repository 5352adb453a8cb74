/**
 * Small statistics for benchmark samples. Pure functions: no timing, no I/O.
 */

/** The median of `values` (mean of the two middle values for an even count). Throws on an empty list. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * The `p`-th percentile (0-100) with linear interpolation between closest ranks (the R-7 / Excel
 * `PERCENTILE.INC` definition), so p50 is the median and p100 the maximum. Throws on an empty list.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of an empty sample');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] as number;
  const highValue = sorted[high] as number;
  return lowValue + (highValue - lowValue) * (rank - low);
}

/** Rounds to `digits` decimals (figures are printed and compared, never summed again). */
export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A Fisher-Yates shuffle with an injected random source (interleaves measurements fairly). */
export function shuffled<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** The most stamps found in any window [t, t + lengthMs) that starts at a stamp (a sliding-window count). */
export function maxInAnyWindow(stamps: readonly number[], lengthMs: number): number {
  const sorted = [...stamps].sort((a, b) => a - b);
  let max = 0;
  let j = 0;
  for (let i = 0; i < sorted.length; i++) {
    j = Math.max(j, i);
    while (j < sorted.length && (sorted[j] as number) < (sorted[i] as number) + lengthMs) j++;
    max = Math.max(max, j - i);
  }
  return max;
}
