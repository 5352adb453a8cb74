/**
 * Remembers which notifications went out, so a retried notify step (Lambda retry, Step
 * Functions Retry, a redriven execution) never posts twice.
 *
 * A delivery is claimed before sending (a short lease, so a crashed attempt does not block its
 * retry for long), marked sent afterwards with what the channel returned (e.g. the Slack message
 * `ts`, so a later attempt can update that message instead of posting a new one), and released
 * when sending failed. The window left is a crash between "sent" and "marked": then one retry
 * may send again (at-least-once, the best any external channel without idempotency keys allows).
 */
import { createHash } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { BusyError } from '../core/errors.js';
import { silentLog, systemClock, type Clock, type Log } from '../core/ports.js';
import { KeyPrefix, TABLE_KEYS } from '../core/store/table-schema.js';

/** What a channel returned for a delivery; small scalar values only. */
export type DeliveryInfo = Readonly<Record<string, string | number | boolean | null>>;

export interface DeliveryLedger {
  /**
   * Claims `key` for the caller. `already-sent` when a delivery under `key` completed before.
   * Throws {@link BusyError} (retryable) while another attempt holds a live claim.
   */
  claim(key: string): Promise<'claimed' | 'already-sent'>;
  /** Records that the delivery under `key` completed, with what the channel returned. */
  markSent(key: string, info: DeliveryInfo): Promise<void>;
  /** Gives up a claim after a failed send, so a retry can claim at once. */
  release(key: string): Promise<void>;
  /** What {@link markSent} recorded for `key`, or undefined when nothing was sent under it. */
  lookup(key: string): Promise<DeliveryInfo | undefined>;
}

export interface LedgerOptions {
  readonly clock?: Clock;
  /** How long a claim blocks other attempts. Default 120 s (longer than one notify attempt). */
  readonly leaseMs?: number;
  /** How long a sent record is kept. Default 30 days (past any Step Functions retry or redrive window). */
  readonly retentionSeconds?: number;
}

const DEFAULT_LEASE_MS = 120_000;
const DEFAULT_RETENTION_SECONDS = 30 * 24 * 3600;
const SORT_KEY = 'delivery';

/**
 * {@link DeliveryLedger} on the shared DynamoDB table: one item per key under
 * `pk = idem#<key>`, `sk = delivery`, written with conditional puts so exactly one attempt wins
 * a claim. Expiry is checked in code (TTL deletes late).
 */
export class DynamoDeliveryLedger implements DeliveryLedger {
  private readonly dynamo: DynamoDBClient;
  private readonly tableName: string;
  private readonly clock: Clock;
  private readonly leaseMs: number;
  private readonly retentionSeconds: number;

  constructor(options: { dynamo: DynamoDBClient; tableName: string } & LedgerOptions) {
    this.dynamo = options.dynamo;
    this.tableName = options.tableName;
    this.clock = options.clock ?? systemClock;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.retentionSeconds = options.retentionSeconds ?? DEFAULT_RETENTION_SECONDS;
  }

  async claim(key: string): Promise<'claimed' | 'already-sent'> {
    const now = this.clock.now();
    try {
      await this.dynamo.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(key),
            state: { S: 'pending' },
            leaseUntil: { N: String(now + this.leaseMs) },
            [TABLE_KEYS.timeToLive]: { N: String(Math.ceil((now + this.leaseMs) / 1000) + 3600) },
          },
          // Free when absent, when an earlier claim's lease ran out, or when the record expired.
          ConditionExpression: 'attribute_not_exists(#pk) OR (#state = :pending AND #leaseUntil < :now) OR #expiresAt < :nowSeconds',
          ExpressionAttributeNames: {
            '#pk': TABLE_KEYS.partitionKey,
            '#state': 'state',
            '#leaseUntil': 'leaseUntil',
            '#expiresAt': TABLE_KEYS.timeToLive,
          },
          ExpressionAttributeValues: {
            ':pending': { S: 'pending' },
            ':now': { N: String(now) },
            ':nowSeconds': { N: String(Math.floor(now / 1000)) },
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (error.Item?.state?.S === 'sent') return 'already-sent';
      throw new BusyError(`Another attempt is delivering notification ${describeKey(key)}; try again shortly`, { cause: error });
    }
  }

  async markSent(key: string, info: DeliveryInfo): Promise<void> {
    const now = this.clock.now();
    await this.dynamo.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          ...this.key(key),
          state: { S: 'sent' },
          sentAt: { N: String(now) },
          info: { S: JSON.stringify(info) },
          [TABLE_KEYS.timeToLive]: { N: String(Math.floor(now / 1000) + this.retentionSeconds) },
        },
      }),
    );
  }

  async release(key: string): Promise<void> {
    try {
      await this.dynamo.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: this.key(key),
          ConditionExpression: '#state = :pending',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pending': { S: 'pending' } },
        }),
      );
    } catch (error) {
      // Already sent or already gone: nothing to release.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async lookup(key: string): Promise<DeliveryInfo | undefined> {
    const response = await this.dynamo.send(new GetItemCommand({ TableName: this.tableName, Key: this.key(key), ConsistentRead: true }));
    const item = response.Item;
    if (!item || item.state?.S !== 'sent') return undefined;
    const expiresAt = Number(item[TABLE_KEYS.timeToLive]?.N ?? Number.POSITIVE_INFINITY);
    if (expiresAt < Math.floor(this.clock.now() / 1000)) return undefined;
    return parseInfo(item.info?.S);
  }

  private key(key: string): Record<string, AttributeValue> {
    return { [TABLE_KEYS.partitionKey]: { S: `${KeyPrefix.idempotency}${storageKey(key)}` }, [TABLE_KEYS.sortKey]: { S: SORT_KEY } };
  }
}

/**
 * {@link DeliveryLedger} in memory, with the same lease semantics: for one process (the
 * sandbox, the CLI, unit tests of code that delivers).
 */
export class InMemoryDeliveryLedger implements DeliveryLedger {
  private readonly records = new Map<string, { state: 'pending'; leaseUntil: number } | { state: 'sent'; info: DeliveryInfo }>();
  private readonly clock: Clock;
  private readonly leaseMs: number;

  constructor(options: Pick<LedgerOptions, 'clock' | 'leaseMs'> = {}) {
    this.clock = options.clock ?? systemClock;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  async claim(key: string): Promise<'claimed' | 'already-sent'> {
    const record = this.records.get(key);
    const now = this.clock.now();
    if (record?.state === 'sent') return 'already-sent';
    if (record?.state === 'pending' && record.leaseUntil >= now) {
      throw new BusyError(`Another attempt is delivering notification ${describeKey(key)}; try again shortly`);
    }
    this.records.set(key, { state: 'pending', leaseUntil: now + this.leaseMs });
    return 'claimed';
  }

  async markSent(key: string, info: DeliveryInfo): Promise<void> {
    this.records.set(key, { state: 'sent', info: { ...info } });
  }

  async release(key: string): Promise<void> {
    if (this.records.get(key)?.state === 'pending') this.records.delete(key);
  }

  async lookup(key: string): Promise<DeliveryInfo | undefined> {
    const record = this.records.get(key);
    return record?.state === 'sent' ? record.info : undefined;
  }
}

/**
 * Runs `send` at most once per `key`: claims, sends, marks sent; releases the claim when
 * `send` throws. Returns `already-sent` without calling `send` when a delivery completed before.
 * A failure to record the delivery after it went out is logged, not thrown: throwing would make
 * the step retry and send a second time.
 */
export async function deliverOnce(
  ledger: DeliveryLedger,
  key: string,
  send: () => Promise<DeliveryInfo>,
  log: Log = silentLog,
): Promise<'sent' | 'already-sent'> {
  if ((await ledger.claim(key)) === 'already-sent') return 'already-sent';
  let info: DeliveryInfo;
  try {
    info = await send();
  } catch (error) {
    await ledger.release(key).catch((releaseError: unknown) => {
      log.warn('Could not release a delivery claim; a retry waits for its lease to run out', { key, error: errorSummary(releaseError) });
    });
    throw error;
  }
  await markSentSafely(ledger, key, info, log);
  return 'sent';
}

/** {@link DeliveryLedger.markSent} with one retry; logs instead of throwing (see {@link deliverOnce}). */
export async function markSentSafely(ledger: DeliveryLedger, key: string, info: DeliveryInfo, log: Log = silentLog): Promise<void> {
  try {
    await ledger.markSent(key, info);
  } catch {
    try {
      await ledger.markSent(key, info);
    } catch (error) {
      log.error('Delivered but could not record it; a retry of this step may deliver again', { key, error: errorSummary(error) });
    }
  }
}

function errorSummary(error: unknown): { name: string; message: string } {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}

// Partition keys are capped at 2048 bytes; execution ARNs fit, anything longer is hashed.
function storageKey(key: string): string {
  return Buffer.byteLength(key) <= 1024 ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

function describeKey(key: string): string {
  return key.length <= 200 ? key : `${key.slice(0, 200)}…`;
}

function parseInfo(json: string | undefined): DeliveryInfo {
  if (!json) return {};
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as DeliveryInfo) : {};
  } catch {
    return {};
  }
}
