/**
 * Tenant trace slots: a counting semaphore on one DynamoDB item, so that every execution together
 * keeps at most `capacity` deep traces active (ZDX refuses more than its tenant cap, and a refused
 * start wastes rate budget).
 *
 * The item holds a map `holders: { <holderId>: <lease expiry, epoch ms> }`. Acquire is one
 * conditional update: add our entry only while `size(holders) < :capacity` (DynamoDB counts map
 * entries), or when our entry is already there (a retried Lambda gets its own slot back). When the
 * pool looks full, expired leases (a crashed holder) are removed one by one, each conditioned on the
 * exact lease value so a renewed lease is never removed, and the acquire is tried once more.
 * Release removes our entry and is idempotent. A full pool raises {@link BusyError}: the state
 * machine retries it with backoff, so devices wait for a slot and the cap is never exceeded.
 */
import { BusyError } from '../../core/errors.js';
import type { Clock } from '../../core/ports.js';
import { systemClock } from '../../core/ports.js';
import { KeyPrefix } from '../../core/store/table-schema.js';
import { ttlSeconds, type TableKey, type TableStore } from '../../core/store/table-store.js';

export interface TraceSlotsPort {
  /** Takes a slot for `holderId` until `leaseSeconds` from now. Throws BusyError when all are taken. */
  acquire(holderId: string, options: { capacity: number; leaseSeconds: number }): Promise<{ holders: number }>;
  /** Gives the slot back; releasing a slot not held is a no-op. */
  release(holderId: string): Promise<void>;
}

export interface TraceSlotsOptions {
  readonly store: TableStore;
  /** One pool per ZDX tenant. @default 'zdx' */
  readonly pool?: string;
  readonly clock?: Clock;
}

/** {@link TraceSlotsPort} on the shared state table. */
export class TraceSlots implements TraceSlotsPort {
  readonly #store: TableStore;
  readonly #key: TableKey;
  readonly #clock: Clock;

  constructor(options: TraceSlotsOptions) {
    this.#store = options.store;
    this.#key = { pk: `${KeyPrefix.traceSlots}${options.pool ?? 'zdx'}`, sk: 'slots' };
    this.#clock = options.clock ?? systemClock;
  }

  async acquire(holderId: string, options: { capacity: number; leaseSeconds: number }): Promise<{ holders: number }> {
    const first = await this.#tryAcquire(holderId, options);
    if (first.ok) return { holders: first.holders };
    const removed = await this.#removeExpired(first.current);
    if (removed > 0) {
      const second = await this.#tryAcquire(holderId, options);
      if (second.ok) return { holders: second.holders };
    }
    throw new BusyError(`all ${options.capacity} tenant trace slots are taken; waiting for one to free up`);
  }

  async release(holderId: string): Promise<void> {
    await this.#store.update(this.#key, {
      update: 'REMOVE #holders.#holder',
      condition: 'attribute_exists(#holders)',
      names: { '#holders': 'holders', '#holder': holderId },
    });
  }

  /** Current holders and their lease expiry (for tests, the sandbox and operators). */
  async holders(): Promise<Record<string, number>> {
    const item = await this.#store.get(this.#key);
    return leasesOf(item?.holders);
  }

  async #tryAcquire(
    holderId: string,
    options: { capacity: number; leaseSeconds: number },
  ): Promise<{ ok: true; holders: number } | { ok: false; current: Record<string, number> }> {
    const now = this.#clock.now();
    const leaseUntil = now + options.leaseSeconds * 1000;
    for (let attempt = 0; attempt < 2; attempt++) {
      const outcome = await this.#store.update(this.#key, {
        update: 'SET #holders.#holder = :lease, #expiresAt = :ttl',
        condition: 'attribute_exists(#holders) AND (size(#holders) < :capacity OR attribute_exists(#holders.#holder))',
        names: { '#holders': 'holders', '#holder': holderId, '#expiresAt': 'expiresAt' },
        values: { ':lease': leaseUntil, ':capacity': options.capacity, ':ttl': ttlSeconds(leaseUntil) + 86_400 },
        returnItem: true,
      });
      if (outcome.ok) return { ok: true, holders: Object.keys(leasesOf(outcome.item?.holders)).length };
      if (outcome.current?.holders !== undefined) return { ok: false, current: leasesOf(outcome.current.holders) };
      // The pool item does not exist yet: create it empty (losing that race is fine) and try again.
      await this.#store.put({ ...this.#key, holders: {} }, { condition: 'attribute_not_exists(pk)' });
    }
    return { ok: false, current: {} };
  }

  async #removeExpired(leases: Record<string, number>): Promise<number> {
    const now = this.#clock.now();
    let removed = 0;
    for (const [holder, until] of Object.entries(leases)) {
      if (until > now) continue;
      const outcome = await this.#store.update(this.#key, {
        update: 'REMOVE #holders.#holder',
        condition: '#holders.#holder = :until',
        names: { '#holders': 'holders', '#holder': holder },
        values: { ':until': until },
      });
      if (outcome.ok) removed++;
    }
    return removed;
  }
}

function leasesOf(value: unknown): Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Record<string, number> = {};
  for (const [holder, until] of Object.entries(value)) if (typeof until === 'number') out[holder] = until;
  return out;
}

/** The slot holder of one device in one execution: a retried step finds its own slot. */
export function traceSlotHolder(executionName: string, deviceId: string): string {
  return `${executionName}#${deviceId}`;
}

/**
 * How long a slot is leased: the session, the grace period for a late trace, and 15 minutes for
 * polling and collecting. A holder that crashes loses its slot after this.
 */
export function traceSlotLeaseSeconds(settings: { sessionLengthMinutes: number; traceGraceMinutes: number }): number {
  return (settings.sessionLengthMinutes + settings.traceGraceMinutes + 15) * 60;
}
