/**
 * Hand-written conversion between plain JavaScript values and DynamoDB attribute values.
 *
 * `@aws-sdk/util-dynamodb` is not a dependency (and would add bundle weight); the table only holds
 * strings, numbers, booleans, null, lists and maps, so a few lines cover it.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** A value the store can hold. `undefined` members of maps are dropped on write. */
export type StoreValue = string | number | boolean | null | readonly StoreValue[] | { readonly [key: string]: StoreValue | undefined };

/** One item as plain values. */
export type StoreItem = { readonly [key: string]: StoreValue | undefined };

/** Converts one plain value to a DynamoDB attribute value. Throws on NaN/Infinity and unsupported types. */
export function marshalValue(value: StoreValue): AttributeValue {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'boolean') return { BOOL: value };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot store the non-finite number ${value}`);
    return { N: String(value) };
  }
  if (Array.isArray(value)) return { L: value.map((member: StoreValue) => marshalValue(member)) };
  if (typeof value === 'object') return { M: marshalItem(value as StoreItem) };
  throw new TypeError(`cannot store a value of type ${typeof value}`);
}

/** Converts a plain object to a DynamoDB item, skipping `undefined` members. */
export function marshalItem(item: StoreItem): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(item)) {
    if (value !== undefined) out[key] = marshalValue(value);
  }
  return out;
}

/** Converts one DynamoDB attribute value back to a plain value (sets become arrays). */
export function unmarshalValue(attribute: AttributeValue): StoreValue {
  if (attribute.S !== undefined) return attribute.S;
  if (attribute.N !== undefined) return Number(attribute.N);
  if (attribute.BOOL !== undefined) return attribute.BOOL;
  if (attribute.NULL !== undefined) return null;
  if (attribute.L !== undefined) return attribute.L.map(unmarshalValue);
  if (attribute.M !== undefined) return unmarshalItem(attribute.M);
  if (attribute.SS !== undefined) return [...attribute.SS];
  if (attribute.NS !== undefined) return attribute.NS.map(Number);
  throw new TypeError('unsupported DynamoDB attribute type (binary values are not used by this table)');
}

/** Converts a DynamoDB item to a plain object. */
export function unmarshalItem(item: Record<string, AttributeValue>): Record<string, StoreValue> {
  const out: Record<string, StoreValue> = {};
  for (const [key, value] of Object.entries(item)) out[key] = unmarshalValue(value);
  return out;
}
