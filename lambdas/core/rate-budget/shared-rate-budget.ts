/**
 * One request budget in DynamoDB that every ZDX call from every Lambda draws from.
 *
 * Algorithm, short windows (second, minute): a sliding log of reservations. The budget item keeps
 * the admission times of the last minute plus any reserved in the future. A caller computes the
 * earliest time, not before the latest entry, at which one more call keeps fewer than the effective
 * per-second limit in every 1 s window AND fewer than the effective per-minute limit in every 60 s
 * window; it appends that time with an optimistic-concurrency condition on a version number (so two
 * callers never take the same slot), then sleeps until its slot. The callers waiting in one
 * container share one read and one write per round; nobody polls, so there is no thundering herd
 * re-reading the item when a slot frees up, and callers are served in the order they reserved.
 *
 * Algorithm, long windows (hour, day): counts per fixed sub-bucket (hour: 60 buckets of 1 min; day:
 * 96 buckets of 15 min), written in the same conditional write as the log. A call is admitted at t
 * only if the admissions in every bucket that overlaps (t - window, t], the oldest one counted
 * whole, plus this one stay within the limit. Any server window of that length ending at or after
 * t overlaps only those buckets (no reservation lies after t), so the count is an upper bound and
 * every window stays safe wherever the server's starts; the price is at most one bucket of the
 * window (1/60 of an hour, 1/96 of a day) held back while the oldest bucket drains. Why not the
 * log for these too: a day at tier 4 is 60,000 entries, too big for one 400 KB item and costly to
 * rewrite on every call; the buckets are 156 counters whatever the tier.
 *
 * Why a sliding log and not GCRA: ZDX counts each window from the tenant's first call, so we never
 * know where the server's windows begin. "At most N in ANY window of length W" is the only property
 * that keeps every server window under its limit wherever it starts, and the sliding log enforces
 * exactly that. GCRA either smooths the minute budget into one call every 2 s (a 30-call fan-out would
 * take a minute instead of six seconds) or, with a burst allowance big enough to avoid that, admits up
 * to twice the limit in some 60 s windows. The log is small (tier 4: 180 numbers plus reservations).
 *
 * Pledges: work that needs many calls over several minutes (a deep trace: about a dozen) pledges
 * them before it starts, so thirty alerts resolving at once do not each see the same free hour and
 * start ten times the traces it can pay for. `pledge()` grants, in one conditional write, as many
 * units as the hour and day can still pay for after the calls counted and the pledges outstanding;
 * a pledge is taken to be spent evenly over its duration (its outstanding part decays to zero), as
 * its calls then show up in the counts. Pledges only steer how much work starts; admission of each
 * call still checks the counts alone, so a wrong pledge can waste budget but never exceed a limit.
 *
 * Share: the tenant's budget is shared with the ZDX portal's dashboards and other integrations, so
 * this integration takes only `share` of every window (e.g. 0.5: at most 2 of 5 per second, 500 of
 * 1,000 per hour); the rest stays free for them whatever this integration does.
 *
 * Safety: the minute, hour and day limits are further reduced by `safetyMargin` (default 10%:
 * 30/min -> 27/min) and each window is lengthened by `latencyAllowanceMs`, which absorbs clock skew
 * between containers and the jitter between a slot and the request reaching the server. A caller
 * that resumes more than half the allowance after its slot (a slow write, a busy event loop) gives
 * the slot up and reserves again, so no request is sent at a time the log does not account for. A
 * reservation that is given up or whose caller aborts is simply wasted, which errs on the safe side.
 * When the next free slot lies past the caller's deadline (an hour or a day spent), the caller gets
 * BusyError at once and nothing is reserved.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { BusyError, ConfigError, ResponseShapeError, TimeoutError, describeIssues } from '../errors.js';
import { systemClock, type Clock, type RateLimiter } from '../ports.js';
import { KeyPrefix } from '../store/table-schema.js';
import { TableStore, ttlSeconds, type StoreValue, type TableKey } from '../store/table-store.js';
import { abortableSleep, raceAbort, type Sleep } from '../wait.js';

export interface SharedRateBudgetOptions {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  /** Names the budget, e.g. the ZDX tenant host; every caller of one tenant must use the same key. */
  readonly budgetKey: string;
  /** The server's per-second limit (ZDX: 5 on every tier). */
  readonly perSecond: number;
  /** The server's per-minute limit (ZDX tier 1: 30; tier 2: 60; tier 3: 120; tier 4: 180). */
  readonly perMinute: number;
  /** The server's per-hour limit (ZDX tier 1: 1,000 ... tier 4: 9,000); no hour window when absent. */
  readonly perHour?: number | undefined;
  /** The server's per-day limit (ZDX tier 1: 10,000 ... tier 4: 60,000); no day window when absent. */
  readonly perDay?: number | undefined;
  /** Fraction of the tenant's limits this budget may use, 0 < share <= 1. @default 1 */
  readonly share?: number | undefined;
  readonly clock?: Clock;
  /** Fraction of the minute, hour and day limits held back, 0 <= margin < 1. @default 0.1 */
  readonly safetyMargin?: number | undefined;
  /** Length of the short window; tests scale it down. @default 1_000 */
  readonly secondWindowMs?: number;
  /** Length of the minute window; tests scale it down. @default 60_000 */
  readonly minuteWindowMs?: number;
  /** Length of the hour window; tests and benchmarks scale it down. @default 3_600_000 */
  readonly hourWindowMs?: number;
  /** Length of the day window; tests and benchmarks scale it down. @default 86_400_000 */
  readonly dayWindowMs?: number;
  /**
   * Added to every window to absorb clock skew, lateness and network jitter. Half of it is the most a
   * caller may resume after its slot; a later caller gives the slot up and reserves a new one. @default 100
   */
  readonly latencyAllowanceMs?: number;
  /** Longest acquire() waits when the caller gives no deadline. @default minuteWindowMs * 2 */
  readonly maxWaitMs?: number;
  /** Up to this much random delay spreads callers that keep losing the race for the item. @default 25 */
  readonly jitterMs?: number;
  /**
   * Default window lengths and pledge durations are multiplied by this (local benchmarks compress an
   * hour into minutes); explicit window lengths are taken as given. @default 1
   */
  readonly windowScale?: number | undefined;
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

/** The outcome of {@link SharedRateBudget.acquire}: when the caller was admitted and how long it waited. */
export interface Admission {
  /** The admission time recorded in the shared log (clock ms). */
  readonly admittedAt: number;
  readonly waitedMs: number;
}

/** The four windows ZDX counts. */
export type WindowName = 'second' | 'minute' | 'hour' | 'day';

/** How much of one window is used now (see {@link SharedRateBudget.usage}). */
export interface WindowUsage {
  readonly window: WindowName;
  /** Admissions counted in the window now (reservations included; long windows count whole buckets). */
  readonly used: number;
  /** What this budget lets itself use (tenant limit x share, less the margin). */
  readonly limit: number;
  /** The tenant's limit for the window. */
  readonly tenantLimit: number;
  /** `used / limit`. */
  readonly fractionUsed: number;
  /** Until the oldest counted admission leaves the window (0 when nothing is counted). */
  readonly freesInMs: number;
  /** Calls pledged and not yet spent (long windows only; 0 otherwise). */
  readonly pledged: number;
}

/** A request for pledged budget (see {@link SharedRateBudget.pledge}). */
export interface PledgeRequest {
  /** Units of work wanted, e.g. devices to trace. */
  readonly units: number;
  /** Calls one unit costs at most. */
  readonly callsEach: number;
  /** Fraction of each long window to leave free for work that outranks this one, 0 <= headroom < 1. */
  readonly headroom: number;
  /** How long the work takes (real time; scaled like the windows). */
  readonly durationMs: number;
  /**
   * The most one request may take of what the long windows can still pay for (at least one unit),
   * so the first of many concurrent requests does not take everything. @default 1
   */
  readonly fairShare?: number;
}

/** What {@link SharedRateBudget.pledge} granted. */
export interface PledgeGrant {
  readonly granted: number;
  /** The long window with the least room when fewer units than wanted were granted. */
  readonly binding?: WindowUsage | undefined;
}

/** The budget's use in every window, for notifications and metrics. */
export interface BudgetUsage {
  readonly budgetKey: string;
  readonly share: number;
  readonly windows: readonly WindowUsage[];
  /** Until one more call could be admitted. */
  readonly nextSlotInMs: number;
}

const BUDGET_SORT_KEY = 'budget';

const budgetItemSchema = z.lazy(() => z.object({
  stamps: z.array(z.number()),
  version: z.number().int().nonnegative(),
  /** Long windows: flat [bucketIndex, count, bucketIndex, count, ...] per window name. */
  buckets: z.record(z.string(), z.array(z.number())).optional(),
  /** Pledges: flat [startMs, durationMs, calls, ...]. */
  pledges: z.array(z.number()).optional(),
}));

type BudgetState = z.infer<typeof budgetItemSchema>;

interface Waiter {
  readonly deadline: number;
  resolve(slotAt: number): void;
  reject(error: Error): void;
}

/** A window enforced by the sliding log. */
interface Window {
  readonly lengthMs: number;
  readonly limit: number;
}

/** A log window as the budget enforces it, named for {@link SharedRateBudget.usage} and errors. */
interface LogWindow extends Window {
  readonly name: WindowName;
}

/** A window enforced by counts per fixed bucket of `bucketMs`. */
export interface BucketWindow {
  readonly name: WindowName;
  readonly lengthMs: number;
  readonly limit: number;
  readonly bucketMs: number;
}

/** One long window with its counts (bucket index -> admissions). */
export interface BucketCounts {
  readonly window: BucketWindow;
  readonly counts: Map<number, number>;
}

/** Effective limit after the safety margin; never below 1. */
export function effectiveLimit(limit: number, safetyMargin: number): number {
  return Math.max(1, Math.floor(limit * (1 - safetyMargin) + 1e-9));
}

/** Counts of the buckets that overlap (at - length, at], oldest first. */
function liveBuckets(counts: ReadonlyMap<number, number>, at: number, window: BucketWindow): Array<[number, number]> {
  const first = Math.floor((at - window.lengthMs) / window.bucketMs);
  return [...counts].filter(([index, count]) => index >= first && count > 0).sort((a, b) => a[0] - b[0]);
}

/**
 * The earliest time, not before `at`, at which one more admission fits a bucketed window: the
 * oldest buckets must leave it (a bucket leaves once the window starts after the bucket's end).
 */
export function bucketAdmissionAt(counts: ReadonlyMap<number, number>, at: number, window: BucketWindow): number {
  const live = liveBuckets(counts, at, window);
  let total = live.reduce((sum, [, count]) => sum + count, 0);
  let dropped = -1;
  while (total + 1 > window.limit && dropped + 1 < live.length) {
    dropped += 1;
    total -= (live[dropped] as [number, number])[1];
  }
  if (dropped < 0) return at;
  return Math.max(at, ((live[dropped] as [number, number])[0] + 1) * window.bucketMs + window.lengthMs);
}

/**
 * The earliest time, not before `now` nor before the latest stamp, at which one more admission keeps
 * every window within its limit, given the admission times (past and reserved) in `stamps` and the
 * bucket counts of the long windows.
 */
export function nextAdmissionAt(stamps: readonly number[], now: number, windows: readonly Window[], buckets: readonly BucketCounts[] = []): number {
  const sorted = [...stamps].sort((a, b) => a - b);
  let at = Math.max(now, sorted.at(-1) ?? now);
  for (let changed = true; changed; ) {
    changed = false;
    for (const window of windows) {
      const inWindow = sorted.filter((stamp) => stamp > at - window.lengthMs);
      if (inWindow.length >= window.limit) {
        // The stamp that must leave the window (at stamp + length) before one more fits.
        at = (inWindow[inWindow.length - window.limit] as number) + window.lengthMs;
        changed = true;
      }
    }
    for (const { window, counts } of buckets) {
      const next = bucketAdmissionAt(counts, at, window);
      if (next > at) {
        at = next;
        changed = true;
      }
    }
  }
  return at;
}

/** A {@link RateLimiter} shared through one DynamoDB item (`pk = rate#<budgetKey>`). */
export class SharedRateBudget implements RateLimiter {
  readonly budgetKey: string;
  /** What this instance did so far: admissions, slots given up for lateness, lost write races. */
  readonly stats = { admitted: 0, forfeited: 0, conflicts: 0 };
  /** The log windows actually enforced (after share, margin and latency allowance). */
  readonly windows: readonly LogWindow[];
  /** The bucketed windows actually enforced (hour, day when configured). */
  readonly bucketWindows: readonly BucketWindow[];
  /** Fraction of the tenant's limits this budget uses. */
  readonly share: number;
  readonly #tenantLimits: Readonly<Record<WindowName, number | undefined>>;
  readonly #scale: number;
  readonly #store: TableStore;
  readonly #key: TableKey;
  readonly #clock: Clock;
  readonly #maxWaitMs: number;
  readonly #jitterMs: number;
  readonly #maxLatenessMs: number;
  readonly #retentionMs: number;
  /** How long the item outlives its latest reservation (every window and a long bucket, plus an hour). */
  readonly #keepMs: number;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #queue: Waiter[] = [];
  #pumping = false;
  /** Moving average of the budget write's latency, used to place immediate slots just after it. */
  #writeLatencyMs = 0;

  constructor(options: SharedRateBudgetOptions) {
    const margin = options.safetyMargin ?? 0.1;
    const share = options.share ?? 1;
    if (!(margin >= 0 && margin < 1)) throw new ConfigError(`rate budget ${options.budgetKey}: safetyMargin must be in [0, 1), got ${margin}`);
    if (!(share > 0 && share <= 1)) throw new ConfigError(`rate budget ${options.budgetKey}: share must be in (0, 1], got ${share}`);
    const limits = [['perSecond', options.perSecond], ['perMinute', options.perMinute], ['perHour', options.perHour], ['perDay', options.perDay]] as const;
    for (const [name, value] of limits) {
      if (value === undefined && (name === 'perHour' || name === 'perDay')) continue;
      if (!Number.isInteger(value) || (value as number) < 1) throw new ConfigError(`rate budget ${options.budgetKey}: ${name} must be a positive integer, got ${value}`);
    }
    const allowance = options.latencyAllowanceMs ?? 100;
    const scale = options.windowScale ?? 1;
    if (!(scale > 0 && scale <= 1)) throw new ConfigError(`rate budget ${options.budgetKey}: windowScale must be in (0, 1], got ${scale}`);
    this.#scale = scale;
    const secondMs = options.secondWindowMs ?? 1_000 * scale;
    const minuteMs = options.minuteWindowMs ?? 60_000 * scale;
    this.budgetKey = options.budgetKey;
    this.share = share;
    this.#tenantLimits = { second: options.perSecond, minute: options.perMinute, hour: options.perHour, day: options.perDay };
    this.windows = [
      // No margin on the second window: integer rounding would turn 5/s into 4/s (20% of the fan-out
      // throughput); its lengthening by the latency allowance already keeps it under the server's limit.
      { name: 'second', lengthMs: secondMs + allowance, limit: effectiveLimit(options.perSecond * share, 0) },
      { name: 'minute', lengthMs: minuteMs + allowance, limit: effectiveLimit(options.perMinute * share, margin) },
    ];
    const long: BucketWindow[] = [];
    if (options.perHour !== undefined) {
      const lengthMs = options.hourWindowMs ?? 3_600_000 * scale;
      long.push({ name: 'hour', lengthMs: lengthMs + allowance, limit: effectiveLimit(options.perHour * share, margin), bucketMs: Math.max(1, Math.ceil(lengthMs / 60)) });
    }
    if (options.perDay !== undefined) {
      const lengthMs = options.dayWindowMs ?? 86_400_000 * scale;
      long.push({ name: 'day', lengthMs: lengthMs + allowance, limit: effectiveLimit(options.perDay * share, margin), bucketMs: Math.max(1, Math.ceil(lengthMs / 96)) });
    }
    this.bucketWindows = long;
    this.#retentionMs = Math.max(...this.windows.map((window) => window.lengthMs));
    this.#keepMs = Math.max(this.#retentionMs, ...long.map((window) => window.lengthMs + window.bucketMs)) + 3_600_000;
    this.#store = new TableStore({ dynamo: options.dynamo, tableName: options.tableName });
    this.#key = { pk: `${KeyPrefix.rateBudget}${options.budgetKey}`, sk: BUDGET_SORT_KEY };
    this.#clock = options.clock ?? systemClock;
    this.#maxWaitMs = options.maxWaitMs ?? minuteMs * 2;
    this.#jitterMs = options.jitterMs ?? 25;
    this.#maxLatenessMs = allowance / 2;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#random = options.random ?? Math.random;
  }

  /** {@link RateLimiter.acquire}: resolves when one request may be sent (see {@link admit}). */
  async acquire(options: { signal?: AbortSignal; deadline?: number } = {}): Promise<void> {
    await this.admit(options);
  }

  /**
   * Reserves the earliest slot that fits the shared budget and waits until it comes. Throws BusyError
   * (reserving nothing) when that slot lies past `deadline` (epoch ms; default now + maxWaitMs),
   * TimeoutError when the deadline passes while contending for the item, and the signal's reason
   * when it aborts (a slot already reserved is then left unused).
   */
  async admit(options: { signal?: AbortSignal; deadline?: number } = {}): Promise<Admission> {
    const { signal } = options;
    const startedAt = this.#clock.now();
    const deadline = options.deadline ?? startedAt + this.#maxWaitMs;
    for (;;) {
      signal?.throwIfAborted();
      const slotAt = await raceAbort(this.#reserve(deadline), signal);
      const wait = slotAt - this.#clock.now();
      if (wait > 0) await this.#sleep(wait, signal);
      // A caller resuming well after its slot (slow write, busy event loop, CPU-throttled container)
      // would send at a time the log does not show; it gives the slot up and reserves again.
      if (this.#clock.now() - slotAt <= this.#maxLatenessMs) {
        this.stats.admitted += 1;
        return { admittedAt: slotAt, waitedMs: slotAt - startedAt };
      }
      this.stats.forfeited += 1;
    }
  }

  /**
   * The use of every window now, from one read of the item: what a caller deciding how much work to
   * start (or a metric) needs. Reserves nothing.
   */
  async usage(): Promise<BudgetUsage> {
    const state = await this.#read();
    const now = this.#clock.now();
    const stamps = state.stamps.filter((stamp) => stamp > now - this.#retentionMs);
    const buckets = this.#bucketCounts(state, now);
    const windows = [...this.#logUsage(stamps, now), ...this.#longUsage(buckets, now, this.#outstanding(state, now))];
    return { budgetKey: this.budgetKey, share: this.share, windows, nextSlotInMs: nextAdmissionAt(stamps, now, this.windows, buckets) - now };
  }

  /**
   * Pledges as many of `request.units` as the hour and day can still pay for, leaving `headroom` of
   * each free, after the calls counted and the pledges outstanding; one conditional write (retried
   * on conflicts), so concurrent callers never pledge the same room twice.
   */
  async pledge(request: PledgeRequest): Promise<PledgeGrant> {
    if (!(request.headroom >= 0 && request.headroom < 1)) throw new ConfigError(`rate budget ${this.budgetKey}: headroom must be in [0, 1), got ${request.headroom}`);
    let state = await this.#read();
    for (;;) {
      const now = this.#clock.now();
      const buckets = this.#bucketCounts(state, now);
      const long = this.#longUsage(buckets, now, this.#outstanding(state, now));
      let granted = request.units;
      let binding: WindowUsage | undefined;
      for (const window of long) {
        const free = Math.floor(window.limit * (1 - request.headroom)) - window.used - window.pledged;
        const room = Math.max(0, Math.floor(free / request.callsEach));
        const affordable = room === 0 ? 0 : Math.max(1, Math.floor(room * (request.fairShare ?? 1)));
        if (affordable < granted) {
          granted = affordable;
          binding = window;
        }
      }
      if (granted <= 0 || long.length === 0) return { granted: Math.max(0, granted), binding };
      const pledges = this.#livePledges(state, now);
      pledges.push(now, Math.max(1, request.durationMs * this.#scale), granted * request.callsEach);
      const written = await this.#write(state.version, state.stamps, buckets, pledges, Math.max(now, state.stamps.at(-1) ?? now), now);
      if (written.ok) return { granted, binding };
      this.stats.conflicts += 1;
      state = written.current ?? (await this.#read());
    }
  }

  /** Outstanding pledges at `now` (each decays linearly to zero over its duration), flat triples. */
  #livePledges(state: BudgetState, now: number): number[] {
    const flat = state.pledges ?? [];
    const live: number[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const [start, duration] = [flat[i] as number, flat[i + 1] as number];
      if (now < start + duration) live.push(start, duration, flat[i + 2] as number);
    }
    return live;
  }

  #outstanding(state: BudgetState, now: number): number {
    const live = this.#livePledges(state, now);
    let total = 0;
    for (let i = 0; i < live.length; i += 3) {
      const [start, duration, calls] = [live[i] as number, live[i + 1] as number, live[i + 2] as number];
      total += calls * Math.min(1, Math.max(0, 1 - (now - start) / duration));
    }
    return Math.max(0, Math.ceil(total - 1e-9));
  }

  /** Use of the log windows at `at`, from the admission times (past and reserved) in `stamps`. */
  #logUsage(stamps: readonly number[], at: number): WindowUsage[] {
    return this.windows.map((window) => {
      const inWindow = stamps.filter((stamp) => stamp > at - window.lengthMs);
      const freesInMs = inWindow.length === 0 ? 0 : Math.min(...inWindow) + window.lengthMs - at;
      return this.#windowUsage(window.name, inWindow.length, window.limit, freesInMs, 0);
    });
  }

  /** Use of the long windows at `at`, from their bucket counts, with `pledged` calls outstanding. */
  #longUsage(buckets: readonly BucketCounts[], at: number, pledged = 0): WindowUsage[] {
    return buckets.map(({ window, counts }) => {
      const live = liveBuckets(counts, at, window);
      const used = live.reduce((sum, [, count]) => sum + count, 0);
      const oldest = live[0];
      return this.#windowUsage(window.name, used, window.limit, oldest === undefined ? 0 : (oldest[0] + 1) * window.bucketMs + window.lengthMs - at, pledged);
    });
  }

  #windowUsage(name: WindowName, used: number, limit: number, freesInMs: number, pledged: number): WindowUsage {
    return { window: name, used, limit, tenantLimit: this.#tenantLimits[name] as number, fractionUsed: used / limit, freesInMs: Math.max(0, freesInMs), pledged };
  }

  /** Queues one reservation; the callers of one instance share each DynamoDB write. */
  #reserve(deadline: number): Promise<number> {
    const reservation = new Promise<number>((resolve, reject) => {
      this.#queue.push({ deadline, resolve, reject });
    });
    reservation.catch(() => undefined);
    if (!this.#pumping) void this.#pump();
    return reservation;
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      // Let the callers of this same tick (e.g. a Promise.all fan-out) join the first batch.
      await Promise.resolve();
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0);
        try {
          await this.#reserveBatch(batch);
        } catch (error) {
          for (const waiter of batch) waiter.reject(error as Error);
        }
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** The long windows' counts, without the buckets that left their window by `now`. */
  #bucketCounts(state: BudgetState, now: number): BucketCounts[] {
    return this.bucketWindows.map((window) => {
      const flat = state.buckets?.[window.name] ?? [];
      const first = Math.floor((now - window.lengthMs) / window.bucketMs);
      const counts = new Map<number, number>();
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const index = flat[i] as number;
        if (index >= first) counts.set(index, (counts.get(index) ?? 0) + (flat[i + 1] as number));
      }
      return { window, counts };
    });
  }

  /** Reserves one slot per waiter, in queue order, with one conditional write (retried on conflicts). */
  async #reserveBatch(waiters: Waiter[]): Promise<void> {
    let pending = waiters;
    let state = await this.#read();
    for (let attempt = 1; ; attempt++) {
      const now = this.#clock.now();
      // Immediate slots start after the write we are about to make, so the caller sends on time.
      const earliest = now + Math.min(Math.ceil(this.#writeLatencyMs * 1.5), this.#maxLatenessMs * 2);
      const stamps = state.stamps.filter((stamp) => stamp > now - this.#retentionMs);
      const buckets = this.#bucketCounts(state, now);
      const assigned: Array<[Waiter, number]> = [];
      for (const waiter of pending) {
        const slotAt = nextAdmissionAt(stamps, earliest, this.windows, buckets);
        if (slotAt > waiter.deadline) {
          waiter.reject(new BusyError(`rate budget ${this.budgetKey}: next free slot in ${slotAt - now} ms${this.#describeFull(stamps, buckets, earliest)}, past the caller's deadline`));
          continue;
        }
        stamps.push(slotAt);
        for (const { window, counts } of buckets) {
          const index = Math.floor(slotAt / window.bucketMs);
          counts.set(index, (counts.get(index) ?? 0) + 1);
        }
        assigned.push([waiter, slotAt]);
      }
      if (assigned.length === 0) return;
      const written = await this.#write(state.version, stamps, buckets, this.#livePledges(state, now), stamps.at(-1) as number, now);
      if (written.ok) {
        for (const [waiter, slotAt] of assigned) waiter.resolve(slotAt);
        return;
      }
      this.stats.conflicts += 1;
      const after = this.#clock.now();
      pending = [];
      for (const [waiter] of assigned) {
        if (after >= waiter.deadline) waiter.reject(new TimeoutError(`rate budget ${this.budgetKey}: no slot won before the deadline under contention`));
        else pending.push(waiter);
      }
      if (pending.length === 0) return;
      // Another container reserved first; its write is in `current`, so retry at once, spreading
      // repeated losers a little so the same containers do not collide again and again.
      if (attempt > 2) await this.#sleep(this.#random() * this.#jitterMs);
      state = written.current ?? (await this.#read());
    }
  }

  /** " (hour window full: 450 of 450)" for the windows with no room at `at`; empty when none. */
  #describeFull(stamps: readonly number[], buckets: readonly BucketCounts[], at: number): string {
    const full = [...this.#logUsage(stamps, at), ...this.#longUsage(buckets, at)].filter(({ used, limit }) => used >= limit);
    return full.length > 0 ? ` (${full.map(({ window, used, limit }) => `${window} window full: ${used} of ${limit}`).join('; ')})` : '';
  }

  async #write(
    version: number,
    stamps: number[],
    buckets: readonly BucketCounts[],
    pledges: number[],
    latest: number,
    startedAt: number,
  ): Promise<{ ok: true } | { ok: false; current?: BudgetState }> {
    const item: Record<string, StoreValue> & TableKey = { ...this.#key, stamps, version: version + 1, expiresAt: ttlSeconds(latest + this.#keepMs) };
    if (pledges.length > 0) item.pledges = pledges;
    if (buckets.length > 0) {
      item.buckets = Object.fromEntries(buckets.map(({ window, counts }) => [window.name, [...counts].sort((a, b) => a[0] - b[0]).flat()]));
    }
    const outcome = await this.#store.put(
      item,
      version === 0
        ? { condition: 'attribute_not_exists(pk)' }
        : { condition: 'version = :version', values: { ':version': version } },
    );
    this.#writeLatencyMs = 0.7 * this.#writeLatencyMs + 0.3 * Math.max(0, this.#clock.now() - startedAt);
    if (outcome.ok) return { ok: true };
    return outcome.current ? { ok: false, current: this.#parse(outcome.current) } : { ok: false };
  }

  async #read(): Promise<BudgetState> {
    const item = await this.#store.get(this.#key);
    return item ? this.#parse(item) : { stamps: [], version: 0 };
  }

  #parse(item: Record<string, StoreValue>): BudgetState {
    const parsed = budgetItemSchema.safeParse(item);
    if (!parsed.success) {
      throw new ResponseShapeError(
        `rate budget ${this.budgetKey}: the stored item is malformed (${describeIssues(parsed.error.issues).join('; ')})`,
        { endpoint: `dynamodb ${this.#key.pk}`, fields: parsed.error.issues.map((issue) => issue.path.join('.')) },
      );
    }
    return parsed.data;
  }
}
