import type { Clock } from '../../lambdas/core/ports.js';

/** A clock a test moves by hand; the "containers" of a test share one as they share wall time. */
export function manualClock(start = 1_800_000_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}
