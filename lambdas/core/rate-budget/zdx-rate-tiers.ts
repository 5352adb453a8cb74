/**
 * ZDX's documented tenant rate limits by licence tier (zdx-api.md §5.3): the same table the
 * deployment configuration, the Lambdas and the simulator read, so a tier means one thing everywhere.
 */

/** Calls a tenant may make per window. */
export interface ZdxRateLimits {
  readonly perSecond: number;
  readonly perMinute: number;
  readonly perHour: number;
  readonly perDay: number;
}

/** Licence tiers 1 (up to 5,000 licences) to 4 (more than 100,000). */
export const ZDX_RATE_TIERS = {
  1: { perSecond: 5, perMinute: 30, perHour: 1_000, perDay: 10_000 },
  2: { perSecond: 5, perMinute: 60, perHour: 3_000, perDay: 15_000 },
  3: { perSecond: 5, perMinute: 120, perHour: 6_000, perDay: 30_000 },
  4: { perSecond: 5, perMinute: 180, perHour: 9_000, perDay: 60_000 },
} as const satisfies Record<number, ZdxRateLimits>;
