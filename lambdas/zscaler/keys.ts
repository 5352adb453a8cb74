/**
 * Key-shape helpers for API payloads.
 *
 * - ZDX speaks snake_case; we validate the wire shape (so errors name the wire field) and hand callers
 *   camelCase through {@link camelizeKeys}, typed by {@link Camelize}.
 * - ZCSPM payloads appear in both camelCase and PascalCase (the vendor's audit sample); we match keys
 *   case-insensitively against the names our schema uses, through {@link canonicalizeKeys}.
 */
import type { z } from 'zod';

/** `web_probe_id` -> `webProbeId` at the type level. */
export type SnakeToCamel<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<SnakeToCamel<Tail>>}` : S;

/** Deep snake_case -> camelCase of an object type's keys. */
export type Camelize<T> = T extends readonly (infer U)[]
  ? Camelize<U>[]
  : T extends Record<string, unknown>
    ? { [K in keyof T as K extends string ? SnakeToCamel<K> : K]: Camelize<T[K]> }
    : T;

function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, char: string) => char.toUpperCase());
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns a deep copy of `value` whose object keys are camelCase. */
export function camelizeKeys<T>(value: T): Camelize<T> {
  return camelizeAny(value) as Camelize<T>;
}

function camelizeAny(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelizeAny);
  if (!isPlainObject(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) result[snakeToCamel(key)] = camelizeAny(inner);
  return result;
}

interface ZodInternals {
  _zod: { def: Record<string, unknown> & { type: string }; innerType?: unknown };
}

/**
 * Every object key a zod schema names, at any depth, as a map from lower-case to its spelling in the
 * schema. Walks objects, arrays, unions, records, lazy schemas (built here if not yet) and the
 * optional/nullable/default/pipe wrappers.
 */
export function schemaKeys(schema: z.ZodType): ReadonlyMap<string, string> {
  const keys = new Map<string, string>();
  const visited = new Set<unknown>();
  const walk = (node: unknown): void => {
    if (!node || visited.has(node)) return;
    visited.add(node);
    const def = (node as ZodInternals)._zod?.def;
    if (!def) return;
    switch (def.type) {
      case 'object':
        for (const [key, inner] of Object.entries(def.shape as Record<string, unknown>)) {
          if (!keys.has(key.toLowerCase())) keys.set(key.toLowerCase(), key);
          walk(inner);
        }
        return;
      case 'array':
        return walk(def.element);
      case 'union':
        return (def.options as unknown[]).forEach(walk);
      case 'record':
        return walk(def.valueType);
      case 'pipe':
        walk(def.in);
        return walk(def.out);
      case 'lazy':
        return walk((node as ZodInternals)._zod.innerType);
      default:
        if ('innerType' in def) walk(def.innerType);
    }
  };
  walk(schema);
  return keys;
}

/**
 * Renames keys that match a canonical name case-insensitively (`Posture` -> `posture`,
 * `benchMarkId` -> `benchmarkId` when the schema says `benchmarkId`). When two keys differ only in case,
 * the one already spelled canonically wins. Values under `opaque` keys (user data such as resource
 * tags) are copied unchanged.
 */
export function canonicalizeKeys(value: unknown, canonical: ReadonlyMap<string, string>, opaque: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(value)) return value.map((item) => canonicalizeKeys(item, canonical, opaque));
  if (!isPlainObject(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const name = canonical.get(key.toLowerCase()) ?? key;
    if (name !== key && Object.hasOwn(value, name)) continue;
    result[name] = opaque.has(name) ? inner : canonicalizeKeys(inner, canonical, opaque);
  }
  return result;
}
