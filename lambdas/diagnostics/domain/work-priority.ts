/**
 * Which ZDX work comes first when the API budget cannot cover all of it.
 *
 * Pure: callers describe each piece of work (its class, the alert's severity and impacted devices,
 * and a group such as the device's location or ISP) and get an order back, or the headroom of the
 * budget a piece of work must leave to the work that outranks it (SharedRateBudget.pledge takes it). Within one batch the order is:
 * first looks before deep traces; then higher severity; then alerts with more impacted devices;
 * then one representative per group before a second of the same group (round robin, so the
 * tenth device of one location never goes before the first of another); then the order given.
 * Across executions, which cannot see each other's queues, lower-ranked work simply stops earlier:
 * it must leave a larger headroom of every window free.
 */
import type { WindowUsage } from '../../core/rate-budget/shared-rate-budget.js';
import { SEVERITY_ORDER } from '../settings.js';

/** First looks (cheap, from ZDX history) outrank deep traces (tens of calls each). */
export type PriorityClass = 'firstLook' | 'deepTrace';

/** What the ordering needs to know about one piece of work. */
export interface WorkPriority {
  readonly priorityClass: PriorityClass;
  /** The alert's severity (High, Medium, Low; anything else ranks last). */
  readonly severity: string;
  /** Devices the alert impacts. */
  readonly impactedDevices: number;
  /** Devices of one group (location, ISP) are spread out; none: the work is its own group. */
  readonly group?: string | undefined;
}

const CLASS_RANK: Record<PriorityClass, number> = { firstLook: 0, deepTrace: 1 };

/** 0 for High, 1 Medium, 2 Low, 3 anything else (case-insensitive): {@link SEVERITY_ORDER} read from the top. */
export function severityRank(severity: string): number {
  const ascending = (SEVERITY_ORDER as readonly string[]).indexOf(severity.toLowerCase());
  return ascending === -1 ? SEVERITY_ORDER.length : SEVERITY_ORDER.length - 1 - ascending;
}

/** Returns `items` in priority order (see the module comment); stable, `items` is not changed. */
export function orderByPriority<T>(items: readonly T[], describe: (item: T) => WorkPriority): T[] {
  const seenInGroup = new Map<string, number>();
  const keyed = items.map((item) => {
    const priority = describe(item);
    let round = 0;
    if (priority.group !== undefined) {
      // Groups are counted per alert-level rank, so two alerts' devices at one location do not share turns.
      const groupKey = `${priority.priorityClass}|${severityRank(priority.severity)}|${priority.impactedDevices}|${priority.group}`;
      round = seenInGroup.get(groupKey) ?? 0;
      seenInGroup.set(groupKey, round + 1);
    }
    return { item, priority, round };
  });
  // Array.prototype.sort is stable: work that ties on every key keeps the order given.
  keyed.sort(
    (a, b) =>
      CLASS_RANK[a.priority.priorityClass] - CLASS_RANK[b.priority.priorityClass] ||
      severityRank(a.priority.severity) - severityRank(b.priority.severity) ||
      b.priority.impactedDevices - a.priority.impactedDevices ||
      a.round - b.round,
  );
  return keyed.map(({ item }) => item);
}

/**
 * The fraction of each budget window this work must leave unused for the work that outranks it:
 * nothing for first looks; for deep traces 5% (High), 15% (Medium), 25% (Low or unknown), less up
 * to 5 points for alerts impacting many devices (50 or more: the whole 5).
 */
export function budgetHeadroom(priority: WorkPriority): number {
  if (priority.priorityClass === 'firstLook') return 0;
  const base = [0.05, 0.15, 0.25, 0.25][severityRank(priority.severity)] as number;
  const breadth = 0.05 * Math.min(1, Math.max(0, priority.impactedDevices) / 50);
  return Math.max(0, Math.round((base - breadth) * 1_000) / 1_000);
}

const WINDOW_ADJECTIVE = { second: 'per-second', minute: 'per-minute', hour: 'hourly', day: 'daily' } as const;

/**
 * The sentence a notification carries for work skipped for budget, e.g. "12 devices not traced:
 * hourly API budget 80% used; next window in 22 min".
 */
export function budgetShortNote(skipped: number, window: WindowUsage): string {
  const percent = Math.min(100, Math.round(window.fractionUsed * 100));
  const minutes = Math.max(1, Math.ceil(window.freesInMs / 60_000));
  const wait = minutes >= 120 ? `${Math.round(minutes / 60)} h` : `${minutes} min`;
  return `${skipped} ${skipped === 1 ? 'device' : 'devices'} not traced: ${WINDOW_ADJECTIVE[window.window]} API budget ${percent}% used; next window in ${wait}`;
}
