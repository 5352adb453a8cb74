/**
 * One request budget in DynamoDB that every ZDX call from every Lambda draws from.
 *
 * Algorithm: a sliding log of reservations. The budget item keeps the admission times of the last
 * minute plus any reserved in the future. A caller computes the earliest time, not before the latest
 * entry, at which one more call keeps fewer than the effective per-second limit in every 1 s window
 * AND fewer than the effective per-minute limit in every 60 s window; it appends that time with an
 * optimistic-concurrency condition on a version number (so two callers never take the same slot),
 * then sleeps until its slot. The callers waiting in one container share one read and one write per
 * round; nobody polls, so there is no thundering herd re-reading the item when a slot frees up, and
 * callers are served in the order they reserved.
 *
 * Why a sliding log and not GCRA: ZDX counts each window from the tenant's first call, so we never
 * know where the server's windows begin. "At most N in ANY window of length W" is the only property
 * that keeps every server window under its limit wherever it starts, and the sliding log enforces
 * exactly that. GCRA either smooths the minute budget into one call every 2 s (a 30-call fan-out would
 * take a minute instead of six seconds) or, with a burst allowance big enough to avoid that, admits up
 * to twice the limit in some 60 s windows. The log is small (tier 4: 180 numbers plus reservations).
 *
 * Safety: the minute limit is reduced by `safetyMargin` (default 10%: 30/min -> 27/min) and each
 * window is lengthened by `latencyAllowanceMs`, which absorbs clock skew between containers and the
 * jitter between a slot and the request reaching the server. A caller that resumes more than half
 * the allowance after its slot (a slow write, a busy event loop) gives the slot up and reserves
 * again, so no request is sent at a time the log does not account for. A reservation that is given
 * up or whose caller aborts is simply wasted, which errs on the safe side.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { BusyError, ConfigError, ResponseShapeError, TimeoutError, describeIssues } from '../errors.js';
import { systemClock, type Clock, type RateLimiter } from '../ports.js';
import { KeyPrefix } from '../store/table-schema.js';
import { TableStore, ttlSeconds, type StoreValue, type TableKey } from '../store/table-store.js';
import { abortableSleep, raceAbort, type Sleep } from '../store/wait.js';

export interface SharedRateBudgetOptions {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  /** Names the budget, e.g. the ZDX tenant host; every caller of one tenant must use the same key. */
  readonly budgetKey: string;
  /** The server's per-second limit (ZDX: 5 on every tier). */
  readonly perSecond: number;
  /** The server's per-minute limit (ZDX tier 1: 30; tier 2: 60; tier 3: 120; tier 4: 180). */
  readonly perMinute: number;
  readonly clock?: Clock;
  /** Fraction of each limit held back, 0 <= margin < 1. @default 0.1 */
  readonly safetyMargin?: number;
  /** Length of the short window; tests scale it down. @default 1_000 */
  readonly secondWindowMs?: number;
  /** Length of the long window; tests scale it down. @default 60_000 */
  readonly minuteWindowMs?: number;
  /**
   * Added to both windows to absorb clock skew, lateness and network jitter. Half of it is the most a
   * caller may resume after its slot; a later caller gives the slot up and reserves a new one. @default 100
   */
  readonly latencyAllowanceMs?: number;
  /** Longest acquire() waits when the caller gives no deadline. @default minuteWindowMs * 2 */
  readonly maxWaitMs?: number;
  /** Up to this much random delay spreads callers that keep losing the race for the item. @default 25 */
  readonly jitterMs?: number;
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

/** The outcome of {@link SharedRateBudget.acquire}: when the caller was admitted and how long it waited. */
export interface Admission {
  /** The admission time recorded in the shared log (clock ms). */
  readonly admittedAt: number;
  readonly waitedMs: number;
}

const BUDGET_SORT_KEY = 'budget';

const budgetItemSchema = z.lazy(() => z.object({
  stamps: z.array(z.number()),
  version: z.number().int().nonnegative(),
}));

type BudgetState = z.infer<typeof budgetItemSchema>;

interface Waiter {
  readonly deadline: number;
  resolve(slotAt: number): void;
  reject(error: Error): void;
}

interface Window {
  readonly lengthMs: number;
  readonly limit: number;
}

/** Effective limit after the safety margin; never below 1. */
export function effectiveLimit(limit: number, safetyMargin: number): number {
  return Math.max(1, Math.floor(limit * (1 - safetyMargin) + 1e-9));
}

/**
 * The earliest time, not before `now` nor before the latest stamp, at which one more admission keeps
 * every window within its limit, given the admission times (past and reserved) in `stamps`.
 */
export function nextAdmissionAt(stamps: readonly number[], now: number, windows: readonly Window[]): number {
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
  }
  return at;
}

/** A {@link RateLimiter} shared through one DynamoDB item (`pk = rate#<budgetKey>`). */
export class SharedRateBudget implements RateLimiter {
  readonly budgetKey: string;
  /** What this instance did so far: admissions, slots given up for lateness, lost write races. */
  readonly stats = { admitted: 0, forfeited: 0, conflicts: 0 };
  /** The windows actually enforced (after margin and latency allowance). */
  readonly windows: readonly Window[];
  readonly #store: TableStore;
  readonly #key: TableKey;
  readonly #clock: Clock;
  readonly #maxWaitMs: number;
  readonly #jitterMs: number;
  readonly #maxLatenessMs: number;
  readonly #retentionMs: number;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #queue: Waiter[] = [];
  #pumping = false;
  /** Moving average of the budget write's latency, used to place immediate slots just after it. */
  #writeLatencyMs = 0;

  constructor(options: SharedRateBudgetOptions) {
    const margin = options.safetyMargin ?? 0.1;
    if (!(margin >= 0 && margin < 1)) throw new ConfigError(`rate budget ${options.budgetKey}: safetyMargin must be in [0, 1), got ${margin}`);
    for (const [name, value] of [['perSecond', options.perSecond], ['perMinute', options.perMinute]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new ConfigError(`rate budget ${options.budgetKey}: ${name} must be a positive integer, got ${value}`);
    }
    const allowance = options.latencyAllowanceMs ?? 100;
    const secondMs = options.secondWindowMs ?? 1_000;
    const minuteMs = options.minuteWindowMs ?? 60_000;
    this.budgetKey = options.budgetKey;
    this.windows = [
      // No margin on the second window: integer rounding would turn 5/s into 4/s (20% of the fan-out
      // throughput); its lengthening by the latency allowance already keeps it under the server's limit.
      { lengthMs: secondMs + allowance, limit: options.perSecond },
      { lengthMs: minuteMs + allowance, limit: effectiveLimit(options.perMinute, margin) },
    ];
    this.#retentionMs = Math.max(...this.windows.map((window) => window.lengthMs));
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

  /** Reserves one slot per waiter, in queue order, with one conditional write (retried on conflicts). */
  async #reserveBatch(waiters: Waiter[]): Promise<void> {
    let pending = waiters;
    let state = await this.#read();
    for (let attempt = 1; ; attempt++) {
      const now = this.#clock.now();
      // Immediate slots start after the write we are about to make, so the caller sends on time.
      const earliest = now + Math.min(Math.ceil(this.#writeLatencyMs * 1.5), this.#maxLatenessMs * 2);
      const stamps = state.stamps.filter((stamp) => stamp > now - this.#retentionMs);
      const assigned: Array<[Waiter, number]> = [];
      for (const waiter of pending) {
        const slotAt = nextAdmissionAt(stamps, earliest, this.windows);
        if (slotAt > waiter.deadline) {
          waiter.reject(new BusyError(`rate budget ${this.budgetKey}: next free slot in ${slotAt - now} ms, past the caller's deadline`));
          continue;
        }
        stamps.push(slotAt);
        assigned.push([waiter, slotAt]);
      }
      if (assigned.length === 0) return;
      const written = await this.#write(state.version, stamps, stamps.at(-1) as number, now);
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

  async #write(
    version: number,
    stamps: number[],
    latest: number,
    startedAt: number,
  ): Promise<{ ok: true } | { ok: false; current?: BudgetState }> {
    const outcome = await this.#store.put(
      { ...this.#key, stamps, version: version + 1, expiresAt: ttlSeconds(latest + this.#retentionMs + 3_600_000) },
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
