/**
 * The documented ZDX tenant rate limit (zdx-api.md §5.3): per-second, per-minute, per-hour and
 * per-day budgets (tier 1 by default), each a fixed window that starts with the first call after
 * the previous window ended. A call over any budget gets 429 and consumes nothing.
 */
import type { SimulatorConfig } from './config.js';

interface Window {
  readonly name: 'Second' | 'Minute' | 'Hour' | 'Day';
  start: number;
  count: number;
}

/** Whether a call is admitted, and the headers describing the budget. */
export interface RateDecision {
  allowed: boolean;
  /** Headers for the response (sent on every ZDX response, 429 or not). */
  headers: Record<string, string>;
}

/** The tenant budget of one simulator. */
export class ZdxRateLimit {
  private readonly second: Window = { name: 'Second', start: Number.NEGATIVE_INFINITY, count: 0 };
  private readonly minute: Window = { name: 'Minute', start: Number.NEGATIVE_INFINITY, count: 0 };
  private readonly hour: Window = { name: 'Hour', start: Number.NEGATIVE_INFINITY, count: 0 };
  private readonly day: Window = { name: 'Day', start: Number.NEGATIVE_INFINITY, count: 0 };

  constructor(private readonly config: SimulatorConfig) {}

  /** Admits or rejects one call at `now` (epoch ms). */
  take(now: number): RateDecision {
    const rl = this.config.zdx.rateLimit;
    const windows = [
      { window: this.second, limit: rl.perSecond, length: rl.secondWindowMs },
      { window: this.minute, limit: rl.perMinute, length: rl.minuteWindowMs },
      { window: this.hour, limit: rl.perHour, length: rl.hourWindowMs },
      { window: this.day, limit: rl.perDay, length: rl.dayWindowMs },
    ];
    for (const { window, length } of windows) {
      if (now >= window.start + length) {
        window.start = now;
        window.count = 0;
      }
    }
    const allowed = windows.every(({ window, limit }) => window.count < limit);
    if (allowed) for (const { window } of windows) window.count += 1;

    // The documented trio describes the most constrained window; the X- family is per window.
    const tightest = [...windows].sort((a, b) => a.limit - a.window.count - (b.limit - b.window.count))[0];
    const headers: Record<string, string> = {};
    if (tightest) {
      const resetAt = tightest.window.start + tightest.length;
      headers['RateLimit-Limit'] = String(tightest.limit);
      headers['RateLimit-Remaining'] = String(Math.max(0, tightest.limit - tightest.window.count));
      headers['RateLimit-Reset'] = String(Math.ceil(resetAt / 1000));
      if (!allowed && rl.retryAfter) headers['Retry-After'] = String(Math.max(0, Math.ceil((resetAt - now) / 1000)));
    }
    if (rl.xRateLimitHeaders) {
      for (const { window, limit } of windows) {
        headers[`X-Ratelimit-Limit-${window.name}`] = String(limit);
        headers[`X-Ratelimit-Remaining-${window.name}`] = String(Math.max(0, limit - window.count));
      }
    }
    return { allowed, headers };
  }

  /** Forgets every window (e.g. after a test changed the budgets). */
  reset(): void {
    for (const window of [this.second, this.minute, this.hour, this.day]) {
      window.start = Number.NEGATIVE_INFINITY;
      window.count = 0;
    }
  }
}
