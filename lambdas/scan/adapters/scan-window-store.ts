/**
 * Scan windows in DynamoDB: how deployments coalesce into as few ZCSPM scans as possible.
 *
 * Layout (partition `scanwin#<zcspm account>` unless noted):
 * - `sk = window`: the account's one window item. `phase` is `debouncing` (collecting deployments,
 *   no scan yet), `scanning` (a scan is running: new deployments are set aside for ONE follow-up),
 *   or `idle`. `seq` numbers the deployment batches; `windowId` is unique per window and names the
 *   execution, so StartExecution is idempotent.
 * - `sk = dep#<seq>#<deployment id>`: the deployments of batch `seq` (full data, TTL).
 * - partition `deploy#<deployment id>`, `sk = deploy`: the dedupe record of one deployment.
 *
 * Every write is conditional. Recording a deployment is one transaction (window + dedupe record +
 * deployment item), so a duplicate delivery changes nothing and a concurrent state change of the
 * window never loses a deployment: the transaction is re-evaluated against the window as it is.
 * Conditions are semantic (phase and windowId), not version numbers, so 20 concurrent joins of one
 * window all succeed on their first attempt.
 *
 * A window whose execution died (aborted, timed out) would block the account forever, so every
 * window carries `staleAt`; past it, the next deployment takes the window over.
 */
import { createHash } from 'node:crypto';
import { TransactWriteItemsCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { BusyError, ResponseShapeError, describeIssues } from '../../core/errors.js';
import { systemClock, type Clock } from '../../core/ports.js';
import { DeploymentSchema, type Deployment } from '../../notify/results.js';
import { marshalItem } from '../../core/store/marshal.js';
import { TableStore, ttlSeconds, type StoreItem, type StoreValue } from '../../core/store/table-store.js';
import { KeyPrefix } from '../../core/store/table-schema.js';

export type WindowPhase = 'debouncing' | 'scanning' | 'idle';

/** Identifies one scan window of one ZCSPM account (what the state machine carries). */
export interface WindowRef {
  readonly zcspmAccountId: string;
  readonly windowId: string;
  readonly seq: number;
}

const WindowItemSchema = z.lazy(() => z.object({
  zcspmAccountId: z.string(),
  seq: z.number().int().nonnegative(),
  windowId: z.string(),
  phase: z.enum(['debouncing', 'scanning', 'idle']),
  followUp: z.boolean(),
  openedAt: z.number(),
  openedBy: z.string(),
  staleAt: z.number(),
  chain: z.number().int().nonnegative(),
  awsAccountId: z.string(),
  region: z.string(),
  executionName: z.string(),
  deploymentCount: z.number().int().nonnegative(),
  pendingCount: z.number().int().nonnegative().default(0),
  previousWindowId: z.string().optional(),
  jobId: z.string().optional(),
  scanStartedAt: z.number().optional(),
}));

/** The window item as stored. */
export type ScanWindow = z.infer<typeof WindowItemSchema>;

export type RecordOutcome =
  /** A new window was opened by this deployment: start its execution. */
  | { readonly outcome: 'opened'; readonly window: ScanWindow }
  /** The deployment joined a window that is still debouncing. */
  | { readonly outcome: 'joined'; readonly window: ScanWindow }
  /** A scan is running: the deployment waits for the window's one follow-up scan. */
  | { readonly outcome: 'follow-up'; readonly window: ScanWindow }
  /**
   * Seen before. `restartExecution` is true when this very deployment opened the window and it is
   * still debouncing: the first delivery may have died before StartExecution, so start it again
   * (idempotent by name).
   */
  | { readonly outcome: 'duplicate'; readonly window: ScanWindow | undefined; readonly restartExecution: boolean };

export type BeginScanOutcome =
  | { readonly ok: true; readonly window: ScanWindow }
  /** The window was taken over or already closed: this execution must not scan. */
  | { readonly ok: false; readonly reason: string };

export type FinishOutcome =
  | { readonly followUp: false; readonly superseded: boolean }
  | { readonly followUp: true; readonly next: WindowRef };

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
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const WINDOW_SK = 'window';

/** Stable id of one deployment: the same event delivered again maps to the same id. */
export function deploymentId(deployment: Deployment): string {
  return createHash('sha256')
    .update(`${deployment.stackId}|${deployment.deploymentKey}|${deployment.status}`)
    .digest('hex')
    .slice(0, 32);
}

/** Step Functions execution name of a window: unique per window, at most 80 characters, `[A-Za-z0-9-_]`. */
export function executionNameFor(zcspmAccountId: string, windowId: string): string {
  return `${zcspmAccountId}-${windowId}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
}

/** Scan windows, deployment records and dedupe records of the scan pipeline. One per container. */
export class ScanWindowStore {
  readonly #dynamo: DynamoDBClient;
  readonly #table: TableStore;
  readonly #tableName: string;
  readonly #clock: Clock;
  readonly #retentionMs: number;
  readonly #graceMs: number;
  readonly #maxAttempts: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;

  constructor(options: ScanWindowStoreOptions) {
    this.#dynamo = options.dynamo;
    this.#tableName = options.tableName;
    this.#table = new TableStore({ dynamo: options.dynamo, tableName: options.tableName });
    this.#clock = options.clock ?? systemClock;
    this.#retentionMs = (options.retentionDays ?? 90) * 86_400_000;
    this.#graceMs = (options.staleGraceSeconds ?? 1_800) * 1000;
    this.#maxAttempts = options.maxAttempts ?? 12;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#random = options.random ?? Math.random;
  }

  /** The account's window item, if any. */
  async get(zcspmAccountId: string): Promise<ScanWindow | undefined> {
    const item = await this.#table.get({ pk: windowPk(zcspmAccountId), sk: WINDOW_SK });
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
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      const now = this.#clock.now();
      const current = await this.get(zcspmAccountId);
      const plan = this.#plan(current, { zcspmAccountId, deployment, id, now, debounceSeconds: request.debounceSeconds });
      const result = await this.#transact([
        plan.windowWrite,
        this.#dedupePut(id, { zcspmAccountId, seq: plan.seq, windowId: plan.windowId }, now),
        this.#deploymentPut(zcspmAccountId, plan.seq, id, deployment, now),
      ]);
      if (result === 'ok') {
        const window = (await this.get(zcspmAccountId)) as ScanWindow;
        return { outcome: plan.outcome, window } as RecordOutcome;
      }
      if (result.includes(1)) return this.#duplicate(zcspmAccountId, id);
      await this.#backoff(attempt);
    }
    throw new BusyError(`scan window of ${zcspmAccountId} kept changing; gave up after ${this.#maxAttempts} attempts`);
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
    const now = this.#clock.now();
    const outcome = await this.#table.update(
      { pk: windowPk(ref.zcspmAccountId), sk: WINDOW_SK },
      {
        update: 'SET #phase = :scanning, staleAt = :staleAt',
        condition: 'windowId = :windowId AND (#phase = :debouncing OR #phase = :scanning)',
        names: { '#phase': 'phase' },
        values: {
          ':scanning': 'scanning',
          ':debouncing': 'debouncing',
          ':windowId': ref.windowId,
          ':staleAt': now + scanTimeoutSeconds * 1000 + this.#graceMs,
        },
        returnItem: true,
      },
    );
    if (outcome.ok) return { ok: true, window: parseWindow(outcome.item as Record<string, StoreValue>) };
    return { ok: false, reason: `window ${ref.windowId} of ${ref.zcspmAccountId} is no longer open (superseded or closed)` };
  }

  /** Remembers the scan job of a window; false when another attempt already stored one. */
  async setJob(ref: WindowRef, jobId: string, scanStartedAt: number): Promise<boolean> {
    const outcome = await this.#table.update(
      { pk: windowPk(ref.zcspmAccountId), sk: WINDOW_SK },
      {
        update: 'SET jobId = :jobId, scanStartedAt = :startedAt',
        condition: 'windowId = :windowId AND #phase = :scanning AND attribute_not_exists(jobId)',
        names: { '#phase': 'phase' },
        values: { ':jobId': jobId, ':startedAt': scanStartedAt, ':windowId': ref.windowId, ':scanning': 'scanning' },
      },
    );
    return outcome.ok;
  }

  /** The deployments of a window's batch, oldest first. */
  async deployments(ref: Pick<WindowRef, 'zcspmAccountId' | 'seq'>): Promise<Deployment[]> {
    const items = await this.#table.query(windowPk(ref.zcspmAccountId), { skPrefix: `${depSkPrefix(ref.seq)}` });
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
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      const now = this.#clock.now();
      const current = await this.get(ref.zcspmAccountId);
      if (!current) return { followUp: false, superseded: true };
      if (current.windowId !== ref.windowId) {
        if (current.previousWindowId === ref.windowId && current.phase !== 'idle') {
          return { followUp: true, next: refOf(current) };
        }
        return { followUp: false, superseded: true };
      }
      if (current.phase === 'idle') return { followUp: false, superseded: false };
      const key = { pk: windowPk(ref.zcspmAccountId), sk: WINDOW_SK };
      if (current.followUp) {
        const windowId = newWindowId(current.seq + 1, now);
        const moved = await this.#table.update(key, {
          update:
            'SET seq = :seq, windowId = :next, previousWindowId = :windowId, #phase = :debouncing, followUp = :false, ' +
            'openedAt = :now, staleAt = :staleAt, chain = chain + :one, deploymentCount = pendingCount, pendingCount = :zero ' +
            'REMOVE jobId, scanStartedAt',
          condition: 'windowId = :windowId AND followUp = :true',
          names: { '#phase': 'phase' },
          values: {
            ':seq': current.seq + 1,
            ':next': windowId,
            ':windowId': ref.windowId,
            ':debouncing': 'debouncing',
            ':false': false,
            ':true': true,
            ':now': now,
            ':staleAt': now + debounceSeconds * 1000 + this.#graceMs,
            ':one': 1,
            ':zero': 0,
          },
        });
        if (moved.ok) return { followUp: true, next: { zcspmAccountId: ref.zcspmAccountId, windowId, seq: current.seq + 1 } };
        await this.#backoff(attempt);
        continue;
      }
      const closed = await this.#table.update(key, {
        update: 'SET #phase = :idle REMOVE jobId, scanStartedAt',
        condition: 'windowId = :windowId AND followUp = :false',
        names: { '#phase': 'phase' },
        values: { ':idle': 'idle', ':windowId': ref.windowId, ':false': false },
      });
      if (closed.ok) return { followUp: false, superseded: false };
      await this.#backoff(attempt);
    }
    throw new BusyError(`scan window of ${ref.zcspmAccountId} kept changing; gave up after ${this.#maxAttempts} attempts`);
  }

  #plan(
    current: ScanWindow | undefined,
    input: { zcspmAccountId: string; deployment: Deployment; id: string; now: number; debounceSeconds: number },
  ): { outcome: 'opened' | 'joined' | 'follow-up'; seq: number; windowId: string; windowWrite: TransactWriteItem } {
    const { zcspmAccountId, now } = input;
    const key = marshalItem({ pk: windowPk(zcspmAccountId), sk: WINDOW_SK });
    const live = current !== undefined && current.phase !== 'idle' && current.staleAt > now;
    if (live && current.phase === 'debouncing') {
      return {
        outcome: 'joined',
        seq: current.seq,
        windowId: current.windowId,
        windowWrite: {
          Update: {
            TableName: this.#tableName,
            Key: key,
            UpdateExpression: 'SET deploymentCount = deploymentCount + :one',
            ConditionExpression: 'windowId = :windowId AND #phase = :debouncing AND staleAt > :now',
            ExpressionAttributeNames: { '#phase': 'phase' },
            ExpressionAttributeValues: marshalItem({ ':one': 1, ':windowId': current.windowId, ':debouncing': 'debouncing', ':now': now }),
          },
        },
      };
    }
    if (live && current.phase === 'scanning') {
      return {
        outcome: 'follow-up',
        seq: current.seq + 1,
        windowId: current.windowId,
        windowWrite: {
          Update: {
            TableName: this.#tableName,
            Key: key,
            UpdateExpression: 'SET followUp = :true, pendingCount = if_not_exists(pendingCount, :zero) + :one',
            ConditionExpression: 'windowId = :windowId AND #phase = :scanning AND staleAt > :now',
            ExpressionAttributeNames: { '#phase': 'phase' },
            ExpressionAttributeValues: marshalItem({
              ':true': true,
              ':zero': 0,
              ':one': 1,
              ':windowId': current.windowId,
              ':scanning': 'scanning',
              ':now': now,
            }),
          },
        },
      };
    }
    // No window, an idle one, or an abandoned one. An abandoned debouncing batch was never scanned,
    // so the new window adopts it (same seq); otherwise the next seq, which also adopts any
    // deployments an abandoned scan had set aside for its follow-up.
    const seq = current === undefined ? 1 : current.phase === 'debouncing' ? current.seq : current.seq + 1;
    const windowId = newWindowId(seq, now);
    const adopted = current !== undefined && current.phase !== 'idle' ? (current.phase === 'debouncing' ? current.deploymentCount : current.pendingCount) : 0;
    const item: StoreItem = {
      pk: windowPk(zcspmAccountId),
      sk: WINDOW_SK,
      zcspmAccountId,
      seq,
      windowId,
      phase: 'debouncing',
      followUp: false,
      openedAt: now,
      openedBy: input.id,
      staleAt: now + input.debounceSeconds * 1000 + this.#graceMs,
      chain: 0,
      awsAccountId: input.deployment.awsAccountId,
      region: input.deployment.region,
      executionName: executionNameFor(zcspmAccountId, windowId),
      deploymentCount: adopted + 1,
      pendingCount: 0,
    };
    const condition =
      current === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: 'windowId = :windowId AND (#phase = :idle OR staleAt <= :now)',
            ExpressionAttributeNames: { '#phase': 'phase' },
            ExpressionAttributeValues: marshalItem({ ':windowId': current.windowId, ':idle': 'idle', ':now': now }),
          };
    return { outcome: 'opened', seq, windowId, windowWrite: { Put: { TableName: this.#tableName, Item: marshalItem(item), ...condition } } };
  }

  #dedupePut(id: string, placement: { zcspmAccountId: string; seq: number; windowId: string }, now: number): TransactWriteItem {
    return {
      Put: {
        TableName: this.#tableName,
        Item: marshalItem({
          pk: dedupePk(id),
          sk: 'deploy',
          ...placement,
          recordedAt: now,
          expiresAt: ttlSeconds(now + this.#retentionMs),
        }),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  #deploymentPut(zcspmAccountId: string, seq: number, id: string, deployment: Deployment, now: number): TransactWriteItem {
    return {
      Put: {
        TableName: this.#tableName,
        Item: marshalItem({
          pk: windowPk(zcspmAccountId),
          sk: `${depSkPrefix(seq)}${id}`,
          deployment: JSON.stringify(deployment),
          recordedAt: now,
          expiresAt: ttlSeconds(now + this.#retentionMs),
        }),
      },
    };
  }

  /** Jittered pause before re-reading a window that changed under us (spreads concurrent writers). */
  async #backoff(attempt: number): Promise<void> {
    const capMs = Math.min(400, 20 * 2 ** attempt);
    await this.#sleep(capMs / 2 + this.#random() * (capMs / 2));
  }

  async #duplicate(zcspmAccountId: string, id: string): Promise<RecordOutcome> {
    const window = await this.get(zcspmAccountId);
    const restartExecution = window !== undefined && window.phase === 'debouncing' && window.openedBy === id && window.chain === 0;
    return { outcome: 'duplicate', window, restartExecution };
  }

  /** Runs one transaction; `'ok'` or the indexes of the items whose condition failed. */
  async #transact(items: TransactWriteItem[]): Promise<'ok' | number[]> {
    try {
      await this.#dynamo.send(new TransactWriteItemsCommand({ TransactItems: items }));
      return 'ok';
    } catch (error) {
      if (error instanceof Error && error.name === 'TransactionCanceledException') {
        const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
        const failed = reasons.flatMap((reason, index) => (reason.Code === 'ConditionalCheckFailed' ? [index] : []));
        // Another transaction on the same items ("TransactionConflict") is a race like any other: retry.
        return failed.length > 0 ? failed : [0];
      }
      throw error;
    }
  }
}

/** TTL deletion is late: an item past `expiresAt` counts as gone. */
function isExpired(item: Record<string, StoreValue>, nowMs: number): boolean {
  return typeof item.expiresAt === 'number' && item.expiresAt * 1000 <= nowMs;
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

function newWindowId(seq: number, now: number): string {
  return `w${seq}-${now.toString(36)}`;
}

function refOf(window: ScanWindow): WindowRef {
  return { zcspmAccountId: window.zcspmAccountId, windowId: window.windowId, seq: window.seq };
}

function parseWindow(item: Record<string, StoreValue>): ScanWindow {
  const parsed = WindowItemSchema.safeParse(item);
  if (!parsed.success) {
    throw new ResponseShapeError(`stored scan window is invalid: ${describeIssues(parsed.error.issues).join('; ')}`, {
      endpoint: 'dynamodb:scanwin',
      fields: describeIssues(parsed.error.issues),
    });
  }
  return parsed.data;
}
