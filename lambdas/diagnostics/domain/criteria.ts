/**
 * Reads the alert's threshold from its criteria text, e.g. `Page Fetch Time > 3000 ms`.
 *
 * ZDX sends criteria only as display strings (`criteria.conditions[].conditionString`,
 * `criteriaString`), so this is a small tolerant parser: metric name, comparison, number, unit.
 * Seconds are converted to milliseconds so findings compare like with like.
 */
import type { AlertCriteria } from './webhook-alert.js';

export interface Threshold {
  /** As written in the rule, e.g. `Page Fetch Time`. */
  readonly metric: string;
  /** Which measurement the diagnosis compares it with. */
  readonly kind: 'page_fetch_time' | 'dns_time' | 'server_response_time' | 'latency' | 'packet_loss' | 'score' | 'other';
  readonly operator: '>' | '>=' | '<' | '<=' | '=';
  /** In `unit`; milliseconds for durations given in seconds. */
  readonly value: number;
  readonly unit: string;
  /** Observed statistics the webhook reported for the condition, when present. */
  readonly observed?: { min?: number; max?: number; avg?: number };
  readonly text: string;
}

const CONDITION = /^\s*(.+?)\s*(>=|<=|>|<|=|==)\s*(-?\d+(?:[.,]\d+)?)\s*([a-zA-Z%]*)\s*$/;

function kindOf(metric: string): Threshold['kind'] {
  const name = metric.toLowerCase();
  if (/page\s*fetch|\bpft\b/.test(name)) return 'page_fetch_time';
  if (/\bdns\b/.test(name)) return 'dns_time';
  if (/server\s*response|\bsrt\b/.test(name)) return 'server_response_time';
  if (/loss/.test(name)) return 'packet_loss';
  if (/latency|rtt|round\s*trip/.test(name)) return 'latency';
  if (/score/.test(name)) return 'score';
  return 'other';
}

/** Parses one condition string; undefined when it is not `<metric> <op> <number> [unit]`. */
export function parseCondition(text: string): Threshold | undefined {
  const match = CONDITION.exec(text);
  if (!match) return undefined;
  const metric = match[1]!.trim();
  let value = Number(match[3]!.replace(',', '.'));
  let unit = match[4]!.toLowerCase();
  if (unit === 's' || unit === 'sec' || unit === 'secs' || unit === 'seconds') {
    value *= 1000;
    unit = 'ms';
  }
  if (!Number.isFinite(value)) return undefined;
  const operator = (match[2] === '==' ? '=' : match[2]) as Threshold['operator'];
  return { metric, kind: kindOf(metric), operator, value, unit, text: text.trim() };
}

/**
 * The thresholds of an alert, hit conditions first. Reads `criteria.conditions` and falls back to
 * `criteriaString` (split on AND/OR) when the structured list is absent.
 */
export function alertThresholds(criteria: AlertCriteria | undefined, criteriaString: string | undefined): Threshold[] {
  const out: Array<Threshold & { hit: boolean }> = [];
  for (const condition of criteria?.conditions ?? []) {
    if (condition.conditionString === undefined) continue;
    const parsed = parseCondition(condition.conditionString);
    if (!parsed) continue;
    const stats = condition.stats;
    const observed: { min?: number; max?: number; avg?: number } = {};
    if (stats?.min !== undefined) observed.min = stats.min;
    if (stats?.max !== undefined) observed.max = stats.max;
    if (stats?.avg !== undefined) observed.avg = stats.avg;
    out.push({ ...parsed, ...(Object.keys(observed).length > 0 ? { observed } : {}), hit: condition.isHit !== false });
  }
  if (out.length === 0 && criteriaString) {
    for (const part of criteriaString.split(/\s+(?:AND|OR)\s+/i)) {
      const parsed = parseCondition(part.replace(/^\(|\)$/g, ''));
      if (parsed) out.push({ ...parsed, hit: true });
    }
  }
  return out
    .sort((a, b) => Number(b.hit) - Number(a.hit))
    .map(({ hit: _hit, ...threshold }) => threshold);
}
