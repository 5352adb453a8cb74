/**
 * How zod's issues are worded for the operator: one line per problem, unknown keys with the closest
 * known key, zod's generic messages in the project's voice ("is required", "must be at least 0").
 */
import type * as z from 'zod';

/** One problem: where (below `zsa`) and what. */
interface FlatIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * Expands zod issues into one line each: unknown keys get their own path (and the closest known key
 * of `root` at that path, when one is close), record keys their inner message.
 */
export function flattenIssues(issues: readonly z.core.$ZodIssue[], root?: z.ZodType): FlatIssue[] {
  return issues.flatMap((issue): FlatIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      const known = root ? knownKeysAt(root, issue.path) : [];
      return issue.keys.map((key) => ({ path: [...issue.path, key], message: unknownKeyMessage(key, known) }));
    }
    if (issue.code === 'invalid_key') {
      return issue.issues.map((inner) => ({ path: issue.path, message: inner.message }));
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      return flattenIssues(best).map((inner) => ({ path: [...issue.path, ...inner.path], message: inner.message }));
    }
    return [{ path: issue.path, message: issue.message }];
  });
}

/** `unknown key: did you mean "maxDevicesPerAlert"?`, or the keys that exist there. */
function unknownKeyMessage(key: string, known: readonly string[]): string {
  const scored = known.map((candidate) => ({ candidate, distance: editDistance(key.toLowerCase(), candidate.toLowerCase()) }));
  const best = scored.sort((a, b) => a.distance - b.distance)[0];
  if (best && best.distance <= Math.max(2, Math.floor(key.length / 3))) return `unknown key: did you mean "${best.candidate}"?`;
  return known.length > 0 ? `unknown key (the keys here are: ${known.join(', ')})` : 'unknown key';
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The keys of the object schema at `path` below `schema` (through defaults, optionals and pipes). */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: z.core.$ZodType | undefined = unwrap(schema);
  for (const part of path) {
    const shape = (node?._zod.def as { shape?: Record<string, z.core.$ZodType> } | undefined)?.shape;
    node = shape ? unwrap(shape[String(part)]) : undefined;
  }
  const shape = (node?._zod.def as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

function unwrap(schema: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  let node = schema;
  for (let depth = 0; node && depth < 10; depth++) {
    const def = node._zod.def as { innerType?: z.core.$ZodType; in?: z.core.$ZodType; getter?: () => z.core.$ZodType };
    const next = def.innerType ?? def.in ?? def.getter?.();
    if (!next) return node;
    node = next;
  }
  return node;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text (a JSON string)',
  boolean: 'true or false',
  array: 'a list [...]',
  object: 'an object {...}',
};

/** How a received JSON value is named in a message: `"abc"`, `1.5`, `a list`. */
function describeInput(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'an object';
  if (typeof input === 'string') return `"${input.length > 40 ? `${input.slice(0, 39)}…` : input}"`;
  return String(input);
}

/**
 * The project's wording for zod's generic problems (a schema's own message wins over this):
 * "is required", "expected a whole number, received 1.5", "must be at least 0".
 */
export function defaultMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, received ${describeInput(issue.input)}`;
    case 'too_small': {
      const limit = String(issue.minimum);
      if (issue.origin === 'array' || issue.origin === 'set') return `needs at least ${limit} item${limit === '1' ? '' : 's'}`;
      if (issue.origin === 'string') return limit === '1' ? 'must not be empty' : `needs at least ${limit} characters`;
      return issue.inclusive === false ? `must be greater than ${limit}` : `must be at least ${limit}`;
    }
    case 'too_big': {
      const limit = String(issue.maximum);
      if (issue.origin === 'array' || issue.origin === 'set') return `must have at most ${limit} item${limit === '1' ? '' : 's'}`;
      if (issue.origin === 'string') return `must be at most ${limit} characters`;
      return issue.inclusive === false ? `must be less than ${limit}` : `must be at most ${limit}`;
    }
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}, received ${describeInput(issue.input)}`;
    default:
      return undefined;
  }
}

/** A JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
