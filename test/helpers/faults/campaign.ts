/**
 * Shared pieces of the seeded fault campaigns (test/e2e/faults): the campaign size from the
 * environment, a small seeded random source, the per-pipeline totals and their summary line.
 *
 * Why seeded: every run's scenario (deployments, outcomes, devices, races, revocations) and the
 * simulator's fault stream derive from one number, so a failing run is replayed with
 * `ZSA_FAULT_SEED=<seed> ZSA_FAULT_RUNS=2 ZSA_FAULT_CONCURRENCY=1` (one run at a time makes the
 * fault draws of a run exactly reproducible; concurrent waves share the fault stream).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { FAULT_KINDS, type FaultKind, type RecordedCall, type RunningSimulator, type SimulatorCounters } from '../../../local/simulator/index.js';
import { mulberry32 } from '../../../local/simulator/random.js';
import { campaignSeed, positiveIntFromEnv } from '../seeds.js';
import { findSecrets, safeJson } from './secrets.js';

/** How large the campaign is and how it starts. */
export interface CampaignSize {
  /** Seeded runs of this pipeline. */
  readonly runs: number;
  /** Seed of the first run; run `i` uses `baseSeed + i`. */
  readonly baseSeed: number;
  /** Runs in flight at once (one wave); 1 replays a seed exactly. */
  readonly concurrency: number;
}

/**
 * The campaign size of one pipeline. `ZSA_FAULT_RUNS` is the total over both pipelines (default
 * 200): the scan pipeline gets 32% of it (its waves are limited to 16 runs: one mapped AWS account
 * per run, and local runs take the mappings inline from a 1 KB variable), the diagnostics pipeline
 * the rest. `ZSA_FAULT_SEED` (default 1, see test/helpers/seeds.ts) is the first run's seed; `ZSA_FAULT_CONCURRENCY` overrides
 * the runs per wave (default 16 scan, 34 diagnostics).
 */
export function campaignSize(pipeline: 'scan' | 'diagnostics'): CampaignSize {
  const total = positiveIntFromEnv('ZSA_FAULT_RUNS') ?? 200;
  const scanRuns = Math.max(1, Math.round(total * 0.32));
  const concurrency = positiveIntFromEnv('ZSA_FAULT_CONCURRENCY') ?? (pipeline === 'scan' ? 16 : 34);
  return {
    runs: pipeline === 'scan' ? scanRuns : Math.max(1, total - scanRuns),
    baseSeed: campaignSeed(pipeline),
    concurrency: pipeline === 'scan' ? Math.min(concurrency, 16) : concurrency,
  };
}

/** A deterministic random source (the simulator's mulberry32) for run scenarios. */
export class SeededRandom {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = mulberry32(seed >>> 0 || 0x9e3779b9);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

/** Figures of one pipeline's campaign, printed at the end and checked run by run. */
export interface CampaignTotals {
  runs: number;
  /** Events the pipeline accepted (ScanRequest recorded them / the webhook answered 2xx). */
  accepted: number;
  /** Terminal states reached, by state (e.g. `SUCCEEDED`, `FAILED`, `Success`, `Timeout`). */
  terminal: Record<string, number>;
  /** Notifications captured (every channel). */
  notifications: number;
  faultsInjected: Partial<Record<FaultKind, number>>;
  /** 429s of the simulator's own rate limit (must stay 0: the shared budget holds). */
  rateLimited: number;
  tokenRevocations: number;
  races: number;
  duplicates: number;
  /** Deliveries EventBridge / ZDX would have retried (the handler failed). */
  redeliveries: number;
  maxConcurrentActiveTraces: number;
  /** Secret values found in any captured output (filled by the secrets scan). */
  secretsFound: number;
  /** Items (scan runs, traced devices) whose upstream work succeeded: the denominator of absorption. */
  upstreamSucceeded: number;
  /** Of those, the ones that ended in success: every transient fault on their way was absorbed. */
  absorbed: number;
  /** The others, by the fault kinds their calls met (`none`: no injected fault on their calls). */
  notAbsorbed: Record<string, number>;
}

/** Zeroed totals. */
export function emptyTotals(): CampaignTotals {
  return {
    runs: 0,
    accepted: 0,
    terminal: {},
    notifications: 0,
    faultsInjected: {},
    rateLimited: 0,
    tokenRevocations: 0,
    races: 0,
    duplicates: 0,
    redeliveries: 0,
    maxConcurrentActiveTraces: 0,
    secretsFound: 0,
    upstreamSucceeded: 0,
    absorbed: 0,
    notAbsorbed: {},
  };
}

/** Adds the simulator's counters of one wave (read before it resets them) to the totals. */
export function addCounters(totals: CampaignTotals, counters: SimulatorCounters): void {
  for (const [kind, count] of Object.entries(counters.faultsInjected) as Array<[FaultKind, number]>) {
    totals.faultsInjected[kind] = (totals.faultsInjected[kind] ?? 0) + count;
  }
  totals.rateLimited += counters.rateLimited;
  totals.maxConcurrentActiveTraces = Math.max(totals.maxConcurrentActiveTraces, counters.maxConcurrentActiveTraces);
}

/** Counts one terminal state. */
export function addTerminal(totals: CampaignTotals, state: string): void {
  totals.terminal[state] = (totals.terminal[state] ?? 0) + 1;
}

/** The distinct fault kinds the simulator injected into `calls` (what an item's failure may have followed). */
export function faultKindsOf(calls: readonly RecordedCall[]): FaultKind[] {
  const kinds = new Set<FaultKind>();
  for (const call of calls) if (call.fault && call.fault !== 'rate-limited') kinds.add(call.fault);
  return [...kinds].sort();
}

/**
 * Counts one item whose upstream work succeeded (the simulator's scan succeeded; the device's deep
 * trace completed): absorbed when it also ended in success, else counted once under each fault kind
 * its calls met, so the breakdown says which faults the failures followed.
 */
export function addAbsorption(totals: CampaignTotals, item: { readonly succeeded: boolean; readonly faultKinds: readonly string[] }): void {
  totals.upstreamSucceeded += 1;
  if (item.succeeded) {
    totals.absorbed += 1;
    return;
  }
  for (const kind of item.faultKinds.length > 0 ? item.faultKinds : ['none']) totals.notAbsorbed[kind] = (totals.notAbsorbed[kind] ?? 0) + 1;
}

/** Absorbed / upstream-succeeded (1 when nothing succeeded upstream). */
export function absorptionRate(totals: CampaignTotals): number {
  return totals.upstreamSucceeded === 0 ? 1 : totals.absorbed / totals.upstreamSucceeded;
}

/** Today's floor of {@link absorptionRate}: at most one item in a hundred may fail after a transient fault. */
export const MIN_ABSORPTION = 0.99;

const formatCounts = (counts: Readonly<Record<string, number | undefined>>): string =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, count]) => `${key}=${count ?? 0}`)
    .join(',');

/** The one summary line of a pipeline's campaign (the closing note's figures). */
export function summaryLine(pipeline: string, totals: CampaignTotals, size: CampaignSize): string {
  const faults = Object.values(totals.faultsInjected).reduce((sum, count) => sum + (count ?? 0), 0);
  const percent = (absorptionRate(totals) * 100).toFixed(1);
  return (
    `fault-campaign[${pipeline}] runs=${totals.runs} seeds=${size.baseSeed}..${size.baseSeed + size.runs - 1} concurrency=${size.concurrency} ` +
    `accepted=${totals.accepted} terminal={${formatCounts(totals.terminal)}} ` +
    `absorbed=${totals.absorbed}/${totals.upstreamSucceeded} (${percent}%) notAbsorbed={${formatCounts(totals.notAbsorbed)}} ` +
    `notifications=${totals.notifications} faults=${faults} {${formatCounts(totals.faultsInjected)}} ` +
    `rateLimited=${totals.rateLimited} maxActiveTraces=${totals.maxConcurrentActiveTraces} tokenRevocations=${totals.tokenRevocations} ` +
    `races=${totals.races} redeliveries=${totals.redeliveries} duplicates=${totals.duplicates} secretsFound=${totals.secretsFound}`
  );
}

/** The seeds of the wave that starts at run `first`. */
export function waveSeeds(size: CampaignSize, first: number): number[] {
  return Array.from({ length: Math.min(size.concurrency, size.runs - first) }, (_, index) => size.baseSeed + first + index);
}

/** Clears what the previous wave left in the simulator: counters, the call log and the fault stream. */
export function resetForWave(simulator: RunningSimulator): void {
  simulator.resetCounters();
  simulator.resetCalls();
  simulator.faults.clear();
}

/**
 * Turns faults on at 20% (every kind, seeded by the wave's first seed) and, in half the waves (that
 * seed decides which, and when), revokes every token of the pipeline's API mid-run.
 */
export function injectWaveFaults(simulator: RunningSimulator, seeds: readonly number[], revokeTokens: () => void, totals: CampaignTotals): void {
  simulator.update({ faults: { rate: 0.2, seed: seeds[0] as number, kinds: [...FAULT_KINDS] } });
  const wave = new SeededRandom(~(seeds[0] as number));
  if (wave.chance(0.5)) {
    void delay(wave.int(20, 400)).then(() => {
      revokeTokens();
      totals.tokenRevocations += 1;
    });
  }
}

/**
 * Problems for every secret in what the wave notified (the notifications after `notificationsSeen`)
 * or failed with (every execution's error); counts them into `totals`.
 */
export function waveSecretProblems(
  wave: {
    readonly seeds: readonly number[];
    readonly notifications: ReadonlyArray<{ readonly channel: string; readonly payload: unknown }>;
    readonly executions: ReadonlyArray<{ readonly name: string; readonly error?: unknown }>;
  },
  totals: CampaignTotals,
): string[] {
  const secrets = findSecrets([
    ...wave.notifications.map((notification) => ({ source: `notification ${notification.channel}`, text: safeJson(notification.payload) })),
    ...wave.executions.map((execution) => ({ source: `execution ${execution.name}`, text: safeJson(execution.error ?? null) })),
  ]);
  totals.secretsFound += secrets.length;
  return secrets.map((finding) => `wave from seed ${wave.seeds[0]}: ${finding.secret} in ${finding.source}: ...${finding.excerpt}...`);
}
