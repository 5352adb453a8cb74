/**
 * Alert deliveries seen, one item per alert and status, in the state table.
 *
 * ZDX may deliver the same webhook more than once; the conditional put makes the first delivery win
 * and every repeat a no-op. A STARTED claim is written as `pending` before the execution starts and
 * flipped to `started` after: if the start fails and the cleanup fails too, a later redelivery finds
 * a stale `pending` claim and takes it over, so an alert is never lost to a half-finished attempt.
 *
 * Deliveries may arrive out of order (ENDED before STARTED). Every end is therefore also written on
 * the STARTED item (`endedAt`; state `ended` when no claim existed yet), so the one conditional put
 * that claims a start also sees the end: an alert that has ended is never started, without a second
 * read and without a race between the two deliveries.
 */
import type { Clock } from '../../core/ports.js';
import { systemClock } from '../../core/ports.js';
import { KeyPrefix } from '../../core/store/table-schema.js';
import { ttlSeconds, type TableKey, type TableStore } from '../../core/store/table-store.js';

/** A pending claim older than this is considered abandoned and may be taken over. */
export const STALE_CLAIM_MS = 60_000;

/** Claim state of an alert whose end arrived before any start: nothing may start it. */
export const ENDED_CLAIM_STATE = 'ended';

export type ClaimOutcome = { readonly claimed: true } | { readonly claimed: false; readonly state: string; readonly executionName?: string };

/** What the intake needs from the ledger (the DynamoDB class below, or a fake in unit tests). */
export interface AlertLedgerPort {
  /** Claims the right to start the diagnostics of `alertId`; false when another delivery has it. */
  claimStart(alertId: string, details: { executionName: string; ruleName?: string; severity?: string }): Promise<ClaimOutcome>;
  /** Marks a claim as started (the execution exists). */
  markStarted(alertId: string, executionArn: string): Promise<void>;
  /** Drops a pending claim after the start failed, so a redelivery can try again at once. */
  abandonClaim(alertId: string): Promise<void>;
  /**
   * Records a non-STARTED status once (false when it was already recorded) and remembers that the
   * alert has ended, so a STARTED delivered later claims nothing.
   */
  recordStatus(alertId: string, status: string, details: { ruleName?: string; endTime?: number }): Promise<boolean>;
}

export interface AlertLedgerOptions {
  readonly store: TableStore;
  /** Records expire (TTL) after this many days. @default 30 */
  readonly retentionDays?: number;
  readonly clock?: Clock;
}

/** {@link AlertLedgerPort} on the shared state table. */
export class AlertLedger implements AlertLedgerPort {
  readonly #store: TableStore;
  readonly #retentionMs: number;
  readonly #clock: Clock;

  constructor(options: AlertLedgerOptions) {
    this.#store = options.store;
    this.#retentionMs = (options.retentionDays ?? 30) * 86_400_000;
    this.#clock = options.clock ?? systemClock;
  }

  async claimStart(alertId: string, details: { executionName: string; ruleName?: string; severity?: string }): Promise<ClaimOutcome> {
    const now = this.#clock.now();
    const outcome = await this.#store.put(
      {
        ...key(alertId, 'STARTED'),
        state: 'pending',
        claimedAt: now,
        executionName: details.executionName,
        ruleName: details.ruleName,
        severity: details.severity,
        expiresAt: ttlSeconds(now + this.#retentionMs),
      },
      {
        condition: 'attribute_not_exists(pk) OR #expiresAt < :nowSeconds OR (#state = :pending AND #claimedAt < :stale AND attribute_not_exists(#endedAt))',
        names: { '#state': 'state', '#claimedAt': 'claimedAt', '#expiresAt': 'expiresAt', '#endedAt': 'endedAt' },
        values: { ':pending': 'pending', ':stale': now - STALE_CLAIM_MS, ':nowSeconds': Math.floor(now / 1000) },
      },
    );
    if (outcome.ok) return { claimed: true };
    const state = typeof outcome.current?.state === 'string' ? outcome.current.state : 'unknown';
    const executionName = typeof outcome.current?.executionName === 'string' ? outcome.current.executionName : undefined;
    return executionName === undefined ? { claimed: false, state } : { claimed: false, state, executionName };
  }

  async markStarted(alertId: string, executionArn: string): Promise<void> {
    await this.#store.update(key(alertId, 'STARTED'), {
      update: 'SET #state = :started, #executionArn = :arn, #startedAt = :now',
      names: { '#state': 'state', '#executionArn': 'executionArn', '#startedAt': 'startedAt' },
      values: { ':started': 'started', ':arn': executionArn, ':now': this.#clock.now() },
    });
  }

  async abandonClaim(alertId: string): Promise<void> {
    const dropped = await this.#store.delete(key(alertId, 'STARTED'), {
      condition: '#state = :pending AND attribute_not_exists(#endedAt)',
      names: { '#state': 'state', '#endedAt': 'endedAt' },
      values: { ':pending': 'pending' },
    });
    if (dropped.ok) return;
    // The end arrived while this start was being tried: keep the item, now as the end's marker.
    await this.#store.update(key(alertId, 'STARTED'), {
      update: 'SET #state = :ended',
      condition: '#state = :pending',
      names: { '#state': 'state' },
      values: { ':pending': 'pending', ':ended': ENDED_CLAIM_STATE },
    });
  }

  async recordStatus(alertId: string, status: string, details: { ruleName?: string; endTime?: number }): Promise<boolean> {
    const now = this.#clock.now();
    await this.#store.update(key(alertId, 'STARTED'), {
      update: 'SET #endedAt = if_not_exists(#endedAt, :now), #state = if_not_exists(#state, :ended), #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
      names: { '#endedAt': 'endedAt', '#state': 'state', '#expiresAt': 'expiresAt' },
      values: { ':now': now, ':ended': ENDED_CLAIM_STATE, ':expiresAt': ttlSeconds(now + this.#retentionMs) },
    });
    const outcome = await this.#store.put(
      {
        ...key(alertId, status),
        state: 'recorded',
        receivedAt: now,
        ruleName: details.ruleName,
        endTime: details.endTime,
        expiresAt: ttlSeconds(now + this.#retentionMs),
      },
      {
        condition: 'attribute_not_exists(pk) OR #expiresAt < :nowSeconds',
        names: { '#expiresAt': 'expiresAt' },
        values: { ':nowSeconds': Math.floor(now / 1000) },
      },
    );
    return outcome.ok;
  }
}

function key(alertId: string, status: string): TableKey {
  return { pk: `${KeyPrefix.alert}${alertId}`, sk: `status#${status}` };
}
