/**
 * Adaptive polling of a ZCSPM scan: as few status checks (and Step Functions transitions) as
 * possible while noticing the end of a scan quickly.
 *
 * With enough history for the account, the first check lands a little before the expected end
 * (median of recent durations minus three quarters of a robust spread), and later checks follow at half a spread,
 * bounded by the configured minimum and maximum; a scan that overruns is checked less often the
 * longer it overruns, never less often than the maximum. Without history the schedule starts at a
 * fixed first wait and then grows with the elapsed time (a quarter of it), within the same bounds.
 * No wait ever passes the scan's deadline.
 *
 * Pure functions: the state machine carries the {@link PollPlan} between checks, so a check costs
 * no DynamoDB read, and the benchmark (bench/polling.ts) runs exactly this code.
 */
import type { PollingSettings } from '../settings.js';

/** What the history says about this account's scans; `null`s when there is not enough of it. */
export interface PollPlan {
  /** Median of recent durations, seconds. */
  readonly expectedSeconds: number | null;
  /** Robust spread of recent durations (scaled MAD, at least 5% of the median), seconds. */
  readonly spreadSeconds: number | null;
}

/** The first check lands this many spreads before the expected end (tuned with bench/polling.ts). */
const LEAD_SPREADS = 0.75;
/** Fraction of the spread between two checks near the expected end (tuned with bench/polling.ts). */
const SPREAD_STEP = 0.5;
/** Without history, the next wait is this fraction of the time elapsed so far. */
const ELAPSED_STEP = 0.25;
/** Scales the median absolute deviation to a standard deviation for normal-ish data. */
const MAD_TO_SD = 1.4826;

/** Builds the plan from the account's recent durations (seconds, any order). */
export function planPolling(durations: readonly number[], settings: PollingSettings): PollPlan {
  const usable = durations.filter((value) => Number.isFinite(value) && value > 0).slice(0, settings.historySize);
  if (usable.length < settings.minHistory) return { expectedSeconds: null, spreadSeconds: null };
  const expected = median(usable);
  const mad = median(usable.map((value) => Math.abs(value - expected)));
  const spread = Math.max(mad * MAD_TO_SD, expected * 0.05, settings.minIntervalSeconds);
  return { expectedSeconds: round(expected), spreadSeconds: round(spread) };
}

/** Seconds from the scan's start to its first status check. */
export function firstWaitSeconds(plan: PollPlan, settings: PollingSettings): number {
  const wanted =
    plan.expectedSeconds === null || plan.spreadSeconds === null
      ? settings.firstWaitWithoutHistorySeconds
      : Math.max(settings.minIntervalSeconds, plan.expectedSeconds - LEAD_SPREADS * plan.spreadSeconds);
  return bounded(wanted, 0, settings);
}

/** Seconds until the next check, given how long the scan has run so far. */
export function nextWaitSeconds(plan: PollPlan, elapsedSeconds: number, settings: PollingSettings): number {
  let wanted: number;
  if (plan.expectedSeconds === null || plan.spreadSeconds === null) {
    wanted = elapsedSeconds * ELAPSED_STEP;
  } else {
    const overrun = elapsedSeconds - (plan.expectedSeconds + 2 * plan.spreadSeconds);
    wanted = Math.max(plan.spreadSeconds * SPREAD_STEP, overrun * ELAPSED_STEP);
  }
  const clamped = Math.min(settings.maxIntervalSeconds, Math.max(settings.minIntervalSeconds, wanted));
  return bounded(clamped, elapsedSeconds, settings);
}

/**
 * Best estimate of a scan's true duration for the history: the middle between the last check that
 * saw it running and the first that saw it done. When the very first check already saw it done,
 * the end lies somewhere before that check; three quarters of it keeps the estimate honest and lets
 * an account whose scans got faster converge within a few scans.
 */
export function estimateDuration(detectedAfterSeconds: number, lastRunningAfterSeconds: number | null): number {
  const lower = lastRunningAfterSeconds ?? detectedAfterSeconds * 0.5;
  return round((lower + detectedAfterSeconds) / 2);
}

/** Never wait past the deadline (at least one second, as Step Functions needs). */
function bounded(wanted: number, elapsedSeconds: number, settings: PollingSettings): number {
  const remaining = settings.scanTimeoutSeconds - elapsedSeconds;
  return Math.max(1, Math.round(Math.min(wanted, remaining)));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
