/**
 * EventBridge event-pattern matching for local runs: the sandbox delivers an event to a rule's
 * target only when the SYNTHESIZED rule would match it, as EventBridge does.
 *
 * Supports what the project's rules use and the common content filters: literal values, `prefix`,
 * `suffix`, `anything-but` (values or `{ prefix }`), `exists`, `equals-ignore-case`, `wildcard`,
 * `numeric` and `$or`. An unknown filter is an error rather than a silent mismatch.
 */

/** True when `event` matches `pattern`. */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) throw new Error('an event pattern must be an object');
  return matchObject(pattern, isObject(event) ? event : {});
}

function matchObject(pattern: Record<string, unknown>, value: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    if (key === '$or') {
      if (!Array.isArray(rule)) throw new Error('$or must be an array of patterns');
      return rule.some((alternative) => isObject(alternative) && matchObject(alternative, value));
    }
    const field = value[key];
    if (Array.isArray(rule)) return matchLeaf(rule, field);
    if (isObject(rule)) return isObject(field) ? matchObject(rule, field) : matchObject(rule, {});
    throw new Error(`pattern field ${key} must be an array or an object`);
  });
}

/** A leaf matches when any of its filters matches any of the field's values (arrays match element-wise). */
function matchLeaf(filters: readonly unknown[], field: unknown): boolean {
  const values = Array.isArray(field) ? field : [field];
  return filters.some((filter) => {
    if (isObject(filter) && 'exists' in filter) return (field !== undefined) === filter.exists;
    return values.some((value) => value !== undefined && matchFilter(filter, value));
  });
}

function matchFilter(filter: unknown, value: unknown): boolean {
  if (!isObject(filter)) return filter === value;
  const [kind, argument] = Object.entries(filter)[0] ?? [];
  const text = typeof value === 'string' ? value : undefined;
  switch (kind) {
    case 'prefix':
      return text !== undefined && text.startsWith(String(argument));
    case 'suffix':
      return text !== undefined && text.endsWith(String(argument));
    case 'equals-ignore-case':
      return text !== undefined && text.toLowerCase() === String(argument).toLowerCase();
    case 'wildcard':
      return text !== undefined && new RegExp(`^${String(argument).split('*').map(escapeRegExp).join('.*')}$`, 's').test(text);
    case 'anything-but':
      if (isObject(argument)) return !matchFilter(argument, value);
      return !(Array.isArray(argument) ? argument : [argument]).includes(value);
    case 'numeric':
      return typeof value === 'number' && matchNumeric(argument as unknown[], value);
    default:
      throw new Error(`the local event-pattern matcher does not support "${String(kind)}"`);
  }
}

function matchNumeric(conditions: readonly unknown[], value: number): boolean {
  for (let index = 0; index < conditions.length; index += 2) {
    const operator = conditions[index];
    const bound = Number(conditions[index + 1]);
    const ok =
      operator === '=' ? value === bound : operator === '<' ? value < bound : operator === '<=' ? value <= bound : operator === '>' ? value > bound : value >= bound;
    if (!ok) return false;
  }
  return true;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
