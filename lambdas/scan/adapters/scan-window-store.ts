/**
 * Scan windows in DynamoDB; what to write is decided by the window policy (../domain/window-policy.ts).
 *
 * Layout (partition `scanwin#<zcspm account>` unless noted):
 * - `sk = window`: the account's one window item ({@link ScanWindow}).
 * - `sk = dep#<seq>#<deployment id>`: the deployments of batch `seq` (full data, TTL).
 * - partition `deploy#<deployment id>`, `sk = deploy`: the dedupe record of one deployment.
 *
 * Every write is conditional. Recording a deployment is one transaction (window + dedupe record +
 * deployment item), so a duplicate delivery changes nothing and a concurrent state change of the
 * window never loses a deployment: the transaction is re-evaluated against the window as it is.
 * Conditions are semantic (phase and windowId), not version numbers, so 20 concurrent joins of one
 * window all succeed on their first attempt.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BusyError, ResponseShapeError, describeIssues } from '../../core/errors.js';
import { backoffDelayMs, type BackoffOptions } from '../../core/http/retry-policy.js';
import { systemClock, type Clock } from '../../core/ports.js';
import { abortableSleep, type Sleep } from '../../core/wait.js';
import { DeploymentSchema, type Deployment } from '../../notify/results.js';
import { TableStore, isExpired, ttlSeconds, type StoreValue, type TableKey, type TransactWrite, type UpdateOptions } from '../../core/store/table-store.js';
import { KeyPrefix } from '../../core/store/table-schema.js';
import {
  ScanWindowSchema,
  deploymentId,
  duplicateOutcome,
  finishStep,
  placeDeployment,
  staleAt,
  type FinishOutcome,
  type FinishStep,
  type Placement,
  type RecordOutcome,
  type ScanWindow,
  type WindowRef,
  type WindowTimes,
} from '../domain/window-policy.js';


export type BeginScanOutcome =
  | { readonly ok: true; readonly window: ScanWindow }
  /** The window was taken over or already closed: this execution must not scan. */
  | { readonly ok: false; readonly reason: string };

export interface ScanWindowStoreOptions {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly clock?: Clock;
  /** Deployment and dedupe records live this long. @default 90 */
  readonly retentionDays?: number;
  /** Extra time past a phase's expected end before its window counts as abandoned. @default 1800 */
  readonly staleGraceSeconds?: number;
  /** Attempts when the window changed under a write. @default 12 */
  readonly maxAttempts?: number;
  /** Injectable for tests. */
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

/** Pause before re-reading a window that changed under us (spreads concurrent writers). */
const WINDOW_BACKOFF: BackoffOptions = { initialDelayMs: 40, maxDelayMs: 400 };

const PHASE = { '#phase': 'phase' } as const;

/** Scan windows, deployment records and dedupe records of the scan pipeline. One per container. */
export class ScanWindowStore {
  readonly #table: TableStore;
  readonly #clock: Clock;
  readonly #retentionMs: number;
  readonly #graceMs: number;
  readonly #maxAttempts: number;
  readonly #sleep: Sleep;
  readonly #random: () => number;

  constructor(options: ScanWindowStoreOptions) {
    this.#table = new TableStore({ dynamo: options.dynamo, tableName: options.tableName });
    this.#clock = options.clock ?? systemClock;
    this.#retentionMs = (options.retentionDays ?? 90) * 86_400_000;
    this.#graceMs = (options.staleGraceSeconds ?? 1_800) * 1000;
    this.#maxAttempts = options.maxAttempts ?? 12;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#random = options.random ?? Math.random;
  }

  /** The account's window item, if any. */
  async get(zcspmAccountId: string): Promise<ScanWindow | undefined> {
    const item = await this.#table.get(windowKey(zcspmAccountId));
    return item ? parseWindow(item) : undefined;
  }

  /**
   * Records one deployment for a ZCSPM account and places it: opens a window, joins the debouncing
   * one, or sets it aside for the running scan's follow-up. Idempotent per {@link deploymentId}.
   */
  async recordDeployment(request: {
    readonly zcspmAccountId: string;
    readonly deployment: Deployment;
    readonly debounceSeconds: number;
  }): Promise<RecordOutcome> {
    const { zcspmAccountId, deployment } = request;
    const id = deploymentId(deployment);
    return this.#untilSettled(zcspmAccountId, async () => {
      const times = this.#times();
      const placement = placeDeployment(await this.get(zcspmAccountId), { ...request, deploymentId: id }, times);
      const expiresAt = ttlSeconds(times.now + this.#retentionMs);
      const written = await this.#table.transact([
        placementWrite(placement, times.now),
        {
          put: { pk: dedupePk(id), sk: 'deploy', zcspmAccountId, seq: placement.seq, windowId: placement.window.windowId, recordedAt: times.now, expiresAt },
          condition: 'attribute_not_exists(pk)',
        },
        {
          put: { pk: windowPk(zcspmAccountId), sk: `${depSkPrefix(placement.seq)}${id}`, deployment: JSON.stringify(deployment), recordedAt: times.now, expiresAt },
        },
      ]);
      if (written.ok) return { outcome: placement.outcome, window: (await this.get(zcspmAccountId)) as ScanWindow };
      // The dedupe record exists: this deployment was recorded before.
      if (written.failed.includes(1)) return duplicateOutcome(await this.get(zcspmAccountId), id);
      return undefined;
    });
  }

  /** True when this deployment was recorded before (placed in a window or noted as unmapped). */
  async isRecorded(deployment: Deployment): Promise<boolean> {
    const item = await this.#table.get({ pk: dedupePk(deploymentId(deployment)), sk: 'deploy' });
    return item !== undefined && !isExpired(item, this.#clock.now());
  }

  /** Records a deployment of an unmapped account; true the first time, false for a duplicate. */
  async recordUnmapped(deployment: Deployment): Promise<boolean> {
    const now = this.#clock.now();
    const outcome = await this.#table.put(
      {
        pk: dedupePk(deploymentId(deployment)),
        sk: 'deploy',
        unmapped: true,
        awsAccountId: deployment.awsAccountId,
        recordedAt: now,
        expiresAt: ttlSeconds(now + this.#retentionMs),
      },
      { condition: 'attribute_not_exists(pk)' },
    );
    return outcome.ok;
  }

  /**
   * Moves a debouncing window to `scanning` (idempotent: a retry finds it scanning, with the job id
   * when the first attempt already started the scan). The deployment batch is frozen from here on.
   */
  async beginScan(ref: WindowRef, scanTimeoutSeconds: number): Promise<BeginScanOutcome> {
    const outcome = await this.#table.update(windowKey(ref.zcspmAccountId), {
      update: 'SET #phase = :scanning, staleAt = :staleAt',
      condition: 'windowId = :windowId AND (#phase = :debouncing OR #phase = :scanning)',
      names: PHASE,
      values: {
        ':scanning': 'scanning',
        ':debouncing': 'debouncing',
        ':windowId': ref.windowId,
        ':staleAt': staleAt(this.#times(), scanTimeoutSeconds),
      },
      returnItem: true,
    });
    if (outcome.ok) return { ok: true, window: parseWindow(outcome.item as Record<string, StoreValue>) };
    return { ok: false, reason: `window ${ref.windowId} of ${ref.zcspmAccountId} is no longer open (superseded or closed)` };
  }

  /** Remembers the scan job of a window; false when another attempt already stored one. */
  async setJob(ref: WindowRef, jobId: string, scanStartedAt: number): Promise<boolean> {
    const outcome = await this.#table.update(windowKey(ref.zcspmAccountId), {
      update: 'SET jobId = :jobId, scanStartedAt = :startedAt',
      condition: 'windowId = :windowId AND #phase = :scanning AND attribute_not_exists(jobId)',
      names: PHASE,
      values: { ':jobId': jobId, ':startedAt': scanStartedAt, ':windowId': ref.windowId, ':scanning': 'scanning' },
    });
    return outcome.ok;
  }

  /** The deployments of a window's batch, oldest first. */
  async deployments(ref: Pick<WindowRef, 'zcspmAccountId' | 'seq'>): Promise<Deployment[]> {
    const items = await this.#table.query(windowPk(ref.zcspmAccountId), { skPrefix: depSkPrefix(ref.seq) });
    const deployments = items.map((item) => {
      const parsed = DeploymentSchema.safeParse(JSON.parse(String(item.deployment)));
      if (!parsed.success) {
        throw new ResponseShapeError(`stored deployment ${String(item.sk)} is invalid: ${describeIssues(parsed.error.issues).join('; ')}`, {
          endpoint: 'dynamodb:scanwin',
          fields: describeIssues(parsed.error.issues),
        });
      }
      return parsed.data;
    });
    return deployments.sort((a, b) => a.time.localeCompare(b.time) || a.stackName.localeCompare(b.stackName));
  }

  /**
   * Ends a window's scan (after its result or failure was notified). When deployments landed while
   * it ran, the window moves on to their batch and the caller runs exactly one follow-up scan;
   * otherwise the window goes idle. Idempotent: a retry after a successful move returns the same
   * follow-up window.
   */
  async finishScan(ref: WindowRef, debounceSeconds: number): Promise<FinishOutcome> {
    return this.#untilSettled(ref.zcspmAccountId, async () => {
      const times = this.#times();
      const step = finishStep(await this.get(ref.zcspmAccountId), ref, debounceSeconds, times);
      if (step.write === 'none') return step.outcome;
      const written = await this.#table.update(windowKey(ref.zcspmAccountId), finishWrite(step, ref));
      return written.ok ? step.outcome : undefined;
    });
  }

  #times(): WindowTimes {
    return { now: this.#clock.now(), graceMs: this.#graceMs };
  }

  /**
   * Runs `attempt` until it settles (anything but undefined), pausing between attempts: undefined
   * or a BusyError mean the window changed under the write, so the next attempt reads it again.
   */
  async #untilSettled<T>(zcspmAccountId: string, attempt: () => Promise<T | undefined>): Promise<T> {
    for (let retry = 0; retry < this.#maxAttempts; retry++) {
      if (retry > 0) await this.#sleep(backoffDelayMs(retry - 1, this.#random, WINDOW_BACKOFF));
      try {
        const settled = await attempt();
        if (settled !== undefined) return settled;
      } catch (error) {
        if (!(error instanceof BusyError)) throw error;
      }
    }
    throw new BusyError(`scan window of ${zcspmAccountId} kept changing; gave up after ${this.#maxAttempts} attempts`);
  }
}

/** The window write of a placement, conditional on the window still being as the policy read it. */
function placementWrite(placement: Placement, now: number): TransactWrite {
  const key = windowKey(placement.window.zcspmAccountId);
  const windowId = placement.window.windowId;
  switch (placement.outcome) {
    case 'joined':
      return {
        key,
        update: 'SET deploymentCount = deploymentCount + :one',
        condition: 'windowId = :windowId AND #phase = :debouncing AND staleAt > :now',
        names: PHASE,
        values: { ':one': 1, ':windowId': windowId, ':debouncing': 'debouncing', ':now': now },
      };
    case 'follow-up':
      return {
        key,
        update: 'SET followUp = :true, pendingCount = if_not_exists(pendingCount, :zero) + :one',
        condition: 'windowId = :windowId AND #phase = :scanning AND staleAt > :now',
        names: PHASE,
        values: { ':true': true, ':zero': 0, ':one': 1, ':windowId': windowId, ':scanning': 'scanning', ':now': now },
      };
    case 'opened': {
      const put = { ...key, ...placement.window };
      if (placement.replaced === undefined) return { put, condition: 'attribute_not_exists(pk)' };
      return {
        put,
        condition: 'windowId = :windowId AND (#phase = :idle OR staleAt <= :now)',
        names: PHASE,
        values: { ':windowId': placement.replaced.windowId, ':idle': 'idle', ':now': now },
      };
    }
  }
}

/** The window update that ends a scan, conditional on the window still being the one that scanned. */
function finishWrite(step: Exclude<FinishStep, { write: 'none' }>, ref: WindowRef): UpdateOptions {
  if (step.write === 'close') {
    return {
      update: 'SET #phase = :idle REMOVE jobId, scanStartedAt',
      condition: 'windowId = :windowId AND followUp = :false',
      names: PHASE,
      values: { ':idle': 'idle', ':windowId': ref.windowId, ':false': false },
    };
  }
  return {
    update:
      'SET seq = :seq, windowId = :next, previousWindowId = :windowId, #phase = :debouncing, followUp = :false, ' +
      'openedAt = :now, staleAt = :staleAt, chain = chain + :one, deploymentCount = pendingCount, pendingCount = :zero ' +
      'REMOVE jobId, scanStartedAt',
    condition: 'windowId = :windowId AND followUp = :true',
    names: PHASE,
    values: {
      ':seq': step.next.seq,
      ':next': step.next.windowId,
      ':windowId': ref.windowId,
      ':debouncing': 'debouncing',
      ':false': false,
      ':true': true,
      ':now': step.openedAt,
      ':staleAt': step.staleAt,
      ':one': 1,
      ':zero': 0,
    },
  };
}

function windowKey(zcspmAccountId: string): TableKey {
  return { pk: windowPk(zcspmAccountId), sk: 'window' };
}

function windowPk(zcspmAccountId: string): string {
  return `${KeyPrefix.scanWindow}${zcspmAccountId}`;
}

function dedupePk(id: string): string {
  return `${KeyPrefix.deployment}${id}`;
}

function depSkPrefix(seq: number): string {
  return `dep#${String(seq).padStart(10, '0')}#`;
}

function parseWindow(item: Record<string, StoreValue>): ScanWindow {
  const parsed = ScanWindowSchema.safeParse(item);
  if (!parsed.success) {
    throw new ResponseShapeError(`stored scan window is invalid: ${describeIssues(parsed.error.issues).join('; ')}`, {
      endpoint: 'dynamodb:scanwin',
      fields: describeIssues(parsed.error.issues),
    });
  }
  return parsed.data;
}
