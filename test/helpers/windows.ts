/** The most admissions found in any window [t, t + lengthMs) that starts at an admission. */
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
