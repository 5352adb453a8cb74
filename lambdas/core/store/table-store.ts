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
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
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

export interface TableStoreOptions {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  /** Attempts on throttling errors, including the first. @default 4 */
  readonly throttleAttempts?: number;
  /** Base delay of the capped exponential backoff on throttling. @default 25 */
  readonly throttleBaseDelayMs?: number;
  /** Injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
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

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Typed access to the state table. Create one per container and share it. */
export class TableStore {
  readonly tableName: string;
  readonly #dynamo: DynamoDBClient;
  readonly #attempts: number;
  readonly #baseDelayMs: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;

  constructor(options: TableStoreOptions) {
    this.#dynamo = options.dynamo;
    this.tableName = options.tableName;
    this.#attempts = Math.max(1, options.throttleAttempts ?? 4);
    this.#baseDelayMs = options.throttleBaseDelayMs ?? 25;
    this.#sleep = options.sleep ?? defaultSleep;
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
  async update(
    key: TableKey,
    options: ExpressionParts & { update: string; condition?: string; returnItem?: boolean },
  ): Promise<WriteOutcome> {
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
        const cap = this.#baseDelayMs * 2 ** (attempt - 1);
        await this.#sleep(cap / 2 + this.#random() * (cap / 2));
      }
    }
  }
}

function keyOf(key: TableKey): Record<string, AttributeValue> {
  return { [TABLE_KEYS.partitionKey]: { S: key.pk }, [TABLE_KEYS.sortKey]: { S: key.sk } };
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
