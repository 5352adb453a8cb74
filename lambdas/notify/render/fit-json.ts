/**
 * Serialises a result as JSON within a byte budget (SNS messages and EventBridge entries are
 * capped at 256 KiB). When the whole result does not fit, lists are cut to their first
 * entries and long strings shortened, step by step, and a `truncated` note says so; the
 * counts (`failedAssetCount`, `newFailureCount`, `summary.diagnosed`...) stay complete, so a
 * consumer still knows the totals. The trimmed document still parses with PipelineResultSchema.
 */
import type { PipelineResult } from '../results.js';
import { truncate, utf8Length } from './text.js';

/** Lists and strings are cut to these sizes, in this order, until the JSON fits. */
const STEPS: ReadonlyArray<{ readonly items: number; readonly chars: number }> = [
  { items: 500, chars: 4000 },
  { items: 200, chars: 2000 },
  { items: 100, chars: 1000 },
  { items: 50, chars: 500 },
  { items: 20, chars: 300 },
  { items: 10, chars: 200 },
  { items: 5, chars: 120 },
  { items: 2, chars: 80 },
  { items: 0, chars: 60 },
];

export interface FittedJson {
  /** The JSON text (compact). */
  readonly json: string;
  /** The object that was serialised (the result itself, or a trimmed copy with `truncated`). */
  readonly value: unknown;
  readonly truncated: boolean;
}

/**
 * Returns the compact JSON of `result` when `measure(json) <= maxBytes`, else the least
 * trimmed copy that fits, else `undefined`. `measure` defaults to the UTF-8 byte length and must
 * never be below the string's length.
 */
export function fitResultJson(result: PipelineResult | Readonly<Record<string, unknown>>, maxBytes: number, measure: (json: string) => number = utf8Length): FittedJson | undefined {
  // UTF-8 never takes fewer bytes than UTF-16 code units, so `length` rules out most misfits
  // without encoding multi-megabyte strings.
  const fits = (json: string) => json.length <= maxBytes && measure(json) <= maxBytes;
  if (minimumJsonLength(result) <= maxBytes) {
    const full = JSON.stringify(result);
    if (fits(full)) return { json: full, value: result, truncated: false };
  }
  // Each step keeps a subset of the previous one, so sizes only shrink: search for the first
  // step that fits instead of serialising all of them.
  const attempt = (index: number) => {
    const step = STEPS[index]!;
    const value = {
      ...(shrink(result, step.items, step.chars) as Record<string, unknown>),
      truncated: {
        note: `Trimmed to fit the ${Math.floor(maxBytes / 1024)} KiB limit: lists cut to their first ${step.items} entries and text to ${step.chars} characters. Counts are complete.`,
        maxListEntries: step.items,
        maxTextLength: step.chars,
      },
    };
    const json = JSON.stringify(value);
    return fits(json) ? { json, value, truncated: true } : undefined;
  };
  let low = 0;
  let high = STEPS.length - 1;
  let best: FittedJson | undefined;
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const fitted = attempt(middle);
    if (fitted) {
      best = fitted;
      high = middle - 1;
    } else {
      low = middle + 1;
    }
  }
  return best;
}

// A lower bound of the JSON length (every string and key at least its own length), cheap
// enough to skip serialising a result that is megabytes too big.
function minimumJsonLength(value: unknown): number {
  if (typeof value === 'string') return value.length + 2;
  if (Array.isArray(value)) return value.reduce((sum: number, entry) => sum + minimumJsonLength(entry) + 1, 2);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).reduce((sum, [key, entry]) => (entry === undefined ? sum : sum + key.length + 3 + minimumJsonLength(entry) + 1), 2);
  }
  return 0;
}

function shrink(value: unknown, items: number, chars: number): unknown {
  if (typeof value === 'string') return truncate(value, chars);
  if (Array.isArray(value)) return value.slice(0, items).map((entry) => shrink(entry, items, chars));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, shrink(entry, items, chars)]));
  }
  return value;
}
