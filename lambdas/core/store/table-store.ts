/**
 * A tiny typed wrapper over the DynamoDB client for the single state table.
 *
 * Contract:
 * - Reads are strongly consistent by default: the table holds coordination state (leases, budgets,
 *   windows) where a stale read costs a wasted conditional write.
 * - A failed condition is an expected outcome, not an exception: writes return
 *   `{ ok: false, reason: 'condition-failed', current? }` (with the item as it was when the
 *   condition failed, when DynamoDB sends it).
 * - Throttling is retried briefly here (a few attempts within a few hundred ms); anything else, and
 *   throttling that lasts, propagates as the SDK error.
 * - A transaction cancelled by failed conditions is an outcome too (which writes failed); one
 *   cancelled by a concurrent transaction or by throttling throws `BusyError`, since a later attempt
 *   may succeed.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { BusyError } from '../errors.js';
import { backoffDelayMs } from '../http/retry-policy.js';
import { abortableSleep, type Sleep } from '../wait.js';
import { TABLE_KEYS } from './table-schema.js';
import { marshalItem, unmarshalItem, type StoreItem, type StoreValue } from './marshal.js';

export type { StoreItem, StoreValue } from './marshal.js';

/** The primary key of every item in the table. */
export interface TableKey {
  readonly pk: string;
  readonly sk: string;
}

/** Expression attribute names and values shared by an update and its condition. */
export interface ExpressionParts {
  /** `#name` placeholders, e.g. `{ '#token': 'token' }`. */
  readonly names?: Readonly<Record<string, string>>;
  /** `:value` placeholders as plain values, e.g. `{ ':now': 1700000000000 }`. */
  readonly values?: Readonly<Record<string, StoreValue>>;
}

/** A write whose condition held; `item` is the item after an update when asked for. */
export interface WriteSucceeded {
  readonly ok: true;
  readonly item?: Record<string, StoreValue>;
}

/** A write whose condition did not hold; `current` is the item at that moment when DynamoDB returned it. */
export interface ConditionFailed {
  readonly ok: false;
  readonly reason: 'condition-failed';
  readonly current?: Record<string, StoreValue>;
}

export type WriteOutcome = WriteSucceeded | ConditionFailed;

/** An update expression (`SET`/`REMOVE`/`ADD`) and its optional condition. */
export type UpdateOptions = ExpressionParts & { readonly update: string; readonly condition?: string; readonly returnItem?: boolean };

/** One write of a transaction: a put, an update or a delete, each optionally conditional. */
export type TransactWrite = ExpressionParts & { readonly condition?: string } & (
  | { readonly put: StoreItem & TableKey }
  | { readonly key: TableKey; readonly update: string }
  | { readonly delete: TableKey }
);

/** A transaction that changed nothing because conditions did not hold; `failed` are the indexes of those writes. */
export interface TransactConditionFailed {
  readonly ok: false;
  readonly reason: 'condition-failed';
  readonly failed: readonly number[];
}

export type TransactOutcome = { readonly ok: true } | TransactConditionFailed;

export interface TableStoreOptions {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  /** Attempts on throttling errors, including the first. @default 4 */
  readonly throttleAttempts?: number;
  /** Base delay of the exponential backoff (full jitter) on throttling. @default 25 */
  readonly throttleBaseDelayMs?: number;
  /** Injectable for tests. */
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

const THROTTLING_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);

/** True for the DynamoDB errors that mean "slow down" rather than "wrong". */
export function isThrottlingError(error: unknown): boolean {
  return error instanceof Error && THROTTLING_ERRORS.has(error.name);
}

/** Transaction cancellation reasons after which the same transaction may succeed. */
const TRANSIENT_CANCELLATIONS = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);

/** Typed access to the state table. Create one per container and share it. */
export class TableStore {
  readonly tableName: string;
  readonly #dynamo: DynamoDBClient;
  readonly #attempts: number;
  readonly #baseDelayMs: number;
  readonly #sleep: Sleep;
  readonly #random: () => number;

  constructor(options: TableStoreOptions) {
    this.#dynamo = options.dynamo;
    this.tableName = options.tableName;
    this.#attempts = Math.max(1, options.throttleAttempts ?? 4);
    this.#baseDelayMs = options.throttleBaseDelayMs ?? 25;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#random = options.random ?? Math.random;
  }

  /** Reads one item; `undefined` when it does not exist. */
  async get(key: TableKey, options: { consistent?: boolean } = {}): Promise<Record<string, StoreValue> | undefined> {
    const output = await this.#send(() =>
      this.#dynamo.send(
        new GetItemCommand({ TableName: this.tableName, Key: keyOf(key), ConsistentRead: options.consistent ?? true }),
      ),
    );
    return output.Item ? unmarshalItem(output.Item) : undefined;
  }

  /** Writes a whole item, optionally only when `condition` holds. */
  async put(item: StoreItem & TableKey, options: ExpressionParts & { condition?: string } = {}): Promise<WriteOutcome> {
    return this.#conditional(async () => {
      await this.#dynamo.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshalItem(item),
          ConditionExpression: options.condition,
          ...expressionAttributes(options),
          ReturnValuesOnConditionCheckFailure: options.condition ? 'ALL_OLD' : undefined,
        }),
      );
      return undefined;
    });
  }

  /**
   * Applies an update expression (`SET`/`REMOVE`/`ADD`), optionally only when `condition` holds.
   * With `returnItem: true` the outcome carries the item after the update.
   */
  async update(key: TableKey, options: UpdateOptions): Promise<WriteOutcome> {
    return this.#conditional(async () => {
      const output = await this.#dynamo.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: keyOf(key),
          UpdateExpression: options.update,
          ConditionExpression: options.condition,
          ...expressionAttributes(options),
          ReturnValues: options.returnItem ? 'ALL_NEW' : 'NONE',
          ReturnValuesOnConditionCheckFailure: options.condition ? 'ALL_OLD' : undefined,
        }),
      );
      return output.Attributes ? unmarshalItem(output.Attributes) : undefined;
    });
  }

  /** Deletes one item, optionally only when `condition` holds. Deleting a missing item succeeds. */
  async delete(key: TableKey, options: ExpressionParts & { condition?: string } = {}): Promise<WriteOutcome> {
    return this.#conditional(async () => {
      await this.#dynamo.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: keyOf(key),
          ConditionExpression: options.condition,
          ...expressionAttributes(options),
          ReturnValuesOnConditionCheckFailure: options.condition ? 'ALL_OLD' : undefined,
        }),
      );
      return undefined;
    });
  }

  /**
   * Applies every write or none (one TransactWriteItems, at most 100 writes on distinct items).
   * Cancelled by failed conditions, it reports which; cancelled by a concurrent transaction or by
   * throttling, it throws {@link BusyError}.
   */
  async transact(writes: readonly TransactWrite[]): Promise<TransactOutcome> {
    try {
      await this.#send(() =>
        this.#dynamo.send(new TransactWriteItemsCommand({ TransactItems: writes.map((write) => transactItem(this.tableName, write)) })),
      );
      return { ok: true };
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') throw error;
      const codes = ((error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? []).map((reason) => reason.Code);
      const failed = codes.flatMap((code, index) => (code === 'ConditionalCheckFailed' ? [index] : []));
      if (failed.length > 0) return { ok: false, reason: 'condition-failed', failed };
      if (codes.some((code) => code !== undefined && TRANSIENT_CANCELLATIONS.has(code))) {
        throw new BusyError(`transaction on ${this.tableName} was cancelled (${codes.join(', ')}); try again`, { cause: error });
      }
      throw error;
    }
  }

  /** Reads every item of one partition (optionally those whose sort key starts with `skPrefix`), in sort-key order. */
  async query(
    pk: string,
    options: { skPrefix?: string; consistent?: boolean; limit?: number; descending?: boolean } = {},
  ): Promise<Array<Record<string, StoreValue>>> {
    const items: Array<Record<string, StoreValue>> = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const remaining = options.limit === undefined ? undefined : options.limit - items.length;
      const output = await this.#send(() =>
        this.#dynamo.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression:
              options.skPrefix === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :skPrefix)',
            ExpressionAttributeNames:
              options.skPrefix === undefined
                ? { '#pk': TABLE_KEYS.partitionKey }
                : { '#pk': TABLE_KEYS.partitionKey, '#sk': TABLE_KEYS.sortKey },
            ExpressionAttributeValues: marshalItem(
              options.skPrefix === undefined ? { ':pk': pk } : { ':pk': pk, ':skPrefix': options.skPrefix },
            ),
            ConsistentRead: options.consistent ?? true,
            ScanIndexForward: !options.descending,
            Limit: remaining,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const item of output.Items ?? []) items.push(unmarshalItem(item));
      startKey = output.LastEvaluatedKey;
    } while (startKey && (options.limit === undefined || items.length < options.limit));
    return items;
  }

  async #conditional(write: () => Promise<Record<string, StoreValue> | undefined>): Promise<WriteOutcome> {
    try {
      const item = await this.#send(write);
      return item ? { ok: true, item } : { ok: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error instanceof Error && error.name === 'ConditionalCheckFailedException')) {
        const old = (error as { Item?: Record<string, AttributeValue> }).Item;
        return old ? { ok: false, reason: 'condition-failed', current: unmarshalItem(old) } : { ok: false, reason: 'condition-failed' };
      }
      throw error;
    }
  }

  async #send<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!isThrottlingError(error) || attempt >= this.#attempts) throw error;
        await this.#sleep(backoffDelayMs(attempt - 1, this.#random, { initialDelayMs: this.#baseDelayMs, maxDelayMs: Number.POSITIVE_INFINITY }));
      }
    }
  }
}

function keyOf(key: TableKey): Record<string, AttributeValue> {
  return { [TABLE_KEYS.partitionKey]: { S: key.pk }, [TABLE_KEYS.sortKey]: { S: key.sk } };
}

function transactItem(tableName: string, write: TransactWrite): TransactWriteItem {
  const guard = { ConditionExpression: write.condition, ...expressionAttributes(write) };
  if ('put' in write) return { Put: { TableName: tableName, Item: marshalItem(write.put), ...guard } };
  if ('delete' in write) return { Delete: { TableName: tableName, Key: keyOf(write.delete), ...guard } };
  return { Update: { TableName: tableName, Key: keyOf(write.key), UpdateExpression: write.update, ...guard } };
}

function expressionAttributes(parts: ExpressionParts): {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
} {
  const out: { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, AttributeValue> } = {};
  if (parts.names && Object.keys(parts.names).length > 0) out.ExpressionAttributeNames = { ...parts.names };
  if (parts.values && Object.keys(parts.values).length > 0) out.ExpressionAttributeValues = marshalItem(parts.values);
  return out;
}

/** DynamoDB TTL value (epoch seconds) for an epoch-millisecond instant. */
export function ttlSeconds(epochMs: number): number {
  return Math.ceil(epochMs / 1000);
}

/** TTL deletion is late: an item past its `expiresAt` counts as gone. */
export function isExpired(item: Readonly<Record<string, StoreValue>>, nowMs: number): boolean {
  return typeof item.expiresAt === 'number' && item.expiresAt * 1000 <= nowMs;
}
