/**
 * Benchmark (not a test): what polling a ZCSPM scan costs, adaptive policy vs fixed intervals.
 *
 * A seeded population of accounts, each with its own typical scan duration (log-uniform between 3
 * and 60 minutes), runs a sequence of scans whose durations vary around that typical value
 * (log-normal, sigma 0.15, plus 5% outliers at 1.3x to 2x). The adaptive policy runs exactly the
 * production code (lambdas/scan/domain/polling.ts), learning from the duration estimates it
 * records itself, as in production. Figures are taken once an account has history (its scans after
 * the first `warmupScans`); fixed 10 s and 60 s polling see the same scans.
 *
 * Run alone: `npx tsx bench/polling.ts`; `npm run bench` calls {@link runPollingBenchmark}.
 */
import { pathToFileURL } from 'node:url';
import { estimateDuration, firstWaitSeconds, nextWaitSeconds, planPolling } from '../lambdas/scan/domain/polling.js';
import { defaultScanSettings, type PollingSettings } from '../lambdas/scan/settings.js';
import { mulberry32 } from '../local/simulator/random.js';

/** The figures `npm run bench -- --json` reports under `polling`. */
export interface PollingFigures {
  readonly medianStatusPolls: number;
  readonly medianDetectionDelaySeconds: number;
  readonly fixed10sStatusPolls: number;
  readonly fixed60sStatusPolls: number;
  /** Median Step Functions state transitions of one scan execution with the adaptive policy. */
  readonly transitionsPerScan: number;
}

export interface PollingBenchmarkOptions {
  readonly accounts?: number;
  readonly scansPerAccount?: number;
  readonly warmupScans?: number;
  readonly seed?: number;
  readonly settings?: PollingSettings;
}

/** One row of the printed table. */
export interface PollingRow {
  readonly policy: string;
  readonly medianPolls: number;
  readonly p90Polls: number;
  readonly medianDelaySeconds: number;
  readonly p90DelaySeconds: number;
  readonly medianTransitions: number;
}

export interface PollingReport {
  readonly figures: PollingFigures;
  readonly rows: readonly PollingRow[];
  /** Rows of the adaptive policy by typical scan duration (short, medium, long accounts). */
  readonly byDuration: readonly (PollingRow & { readonly band: string })[];
  readonly scans: number;
  readonly withoutHistory: PollingRow;
}

/**
 * States one PostDeployScan execution enters outside the poll loop on the success path:
 * Prepare, Debounce, InitiateScan, CollectReport, NotifyResult, FollowUp?, Done (test/e2e/scan
 * checks this against the synthesized state machine). Each poll adds 3 (WaitForScan ->
 * GetScanStatus -> ScanStatus?), as toolchain.md notes.
 */
export const TRANSITIONS_OUTSIDE_POLLING = 7;
export const TRANSITIONS_PER_POLL = 3;

interface Outcome {
  readonly polls: number;
  readonly delaySeconds: number;
  readonly detectedAfterSeconds: number;
  readonly lastRunningAfterSeconds: number | null;
}

/** Runs the benchmark; deterministic for a given seed. */
export function runPollingBenchmark(options: PollingBenchmarkOptions = {}): PollingReport {
  const settings = options.settings ?? defaultScanSettings().polling;
  const accounts = options.accounts ?? 400;
  const scansPerAccount = options.scansPerAccount ?? 20;
  const warmup = options.warmupScans ?? 10;
  const random = mulberry32(options.seed ?? 20_240_611);

  const adaptive: Outcome[] = [];
  const cold: Outcome[] = [];
  const fixed10: Outcome[] = [];
  const fixed60: Outcome[] = [];
  const bands = new Map<string, Outcome[]>();

  for (let account = 0; account < accounts; account++) {
    const typicalSeconds = 180 * Math.exp(random() * Math.log(60 / 3));
    const history: number[] = [];
    for (let scan = 0; scan < scansPerAccount; scan++) {
      const duration = scanDuration(typicalSeconds, random);
      const plan = planPolling(history, settings);
      const outcome = pollAdaptive(duration, plan, settings);
      history.unshift(estimateDuration(outcome.detectedAfterSeconds, outcome.lastRunningAfterSeconds));
      if (scan === 0) cold.push(outcome);
      if (scan < warmup) continue;
      adaptive.push(outcome);
      fixed10.push(pollFixed(duration, 10));
      fixed60.push(pollFixed(duration, 60));
      const band = typicalSeconds < 600 ? '3-10 min' : typicalSeconds < 1_800 ? '10-30 min' : '30-60 min';
      bands.set(band, [...(bands.get(band) ?? []), outcome]);
    }
  }

  const rows = [row('adaptive (with history)', adaptive), row('fixed 10 s', fixed10), row('fixed 60 s', fixed60)];
  const adaptiveRow = rows[0] as PollingRow;
  return {
    figures: {
      medianStatusPolls: adaptiveRow.medianPolls,
      medianDetectionDelaySeconds: adaptiveRow.medianDelaySeconds,
      fixed10sStatusPolls: (rows[1] as PollingRow).medianPolls,
      fixed60sStatusPolls: (rows[2] as PollingRow).medianPolls,
      transitionsPerScan: adaptiveRow.medianTransitions,
    },
    rows,
    byDuration: ['3-10 min', '10-30 min', '30-60 min'].map((band) => ({ band, ...row(`adaptive ${band}`, bands.get(band) ?? []) })),
    scans: adaptive.length,
    withoutHistory: row('adaptive (first scan, no history)', cold),
  };
}

/** The same loop the state machine runs: wait, check, and either stop or wait again. */
function pollAdaptive(durationSeconds: number, plan: ReturnType<typeof planPolling>, settings: PollingSettings): Outcome {
  let elapsed = firstWaitSeconds(plan, settings);
  let polls = 1;
  let lastRunning: number | null = null;
  while (elapsed < durationSeconds && elapsed < settings.scanTimeoutSeconds) {
    lastRunning = elapsed;
    elapsed += nextWaitSeconds(plan, elapsed, settings);
    polls++;
  }
  return { polls, delaySeconds: elapsed - durationSeconds, detectedAfterSeconds: elapsed, lastRunningAfterSeconds: lastRunning };
}

function pollFixed(durationSeconds: number, intervalSeconds: number): Outcome {
  const polls = Math.max(1, Math.ceil(durationSeconds / intervalSeconds));
  const detected = polls * intervalSeconds;
  return { polls, delaySeconds: detected - durationSeconds, detectedAfterSeconds: detected, lastRunningAfterSeconds: detected - intervalSeconds };
}

function scanDuration(typicalSeconds: number, random: () => number): number {
  const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const outlier = random() < 0.05 ? 1.3 + random() * 0.7 : 1;
  return typicalSeconds * Math.exp(0.15 * gaussian) * outlier;
}

function row(policy: string, outcomes: readonly Outcome[]): PollingRow {
  const polls = outcomes.map((outcome) => outcome.polls);
  const delays = outcomes.map((outcome) => outcome.delaySeconds);
  const transitions = polls.map((count) => TRANSITIONS_OUTSIDE_POLLING + TRANSITIONS_PER_POLL * count);
  return {
    policy,
    medianPolls: quantile(polls, 0.5),
    p90Polls: quantile(polls, 0.9),
    medianDelaySeconds: Math.round(quantile(delays, 0.5)),
    p90DelaySeconds: Math.round(quantile(delays, 0.9)),
    medianTransitions: quantile(transitions, 0.5),
  };
}

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/** The printed table. */
export function formatPollingReport(report: PollingReport): string {
  const header = ['policy', 'polls p50', 'polls p90', 'delay p50 s', 'delay p90 s', 'transitions p50'];
  const lines = [...report.rows, ...report.byDuration, report.withoutHistory].map((entry) => [
    entry.policy,
    String(entry.medianPolls),
    String(entry.p90Polls),
    String(entry.medianDelaySeconds),
    String(entry.p90DelaySeconds),
    String(entry.medianTransitions),
  ]);
  const widths = header.map((title, index) => Math.max(title.length, ...lines.map((line) => (line[index] as string).length)));
  const format = (cells: readonly string[]) => cells.map((cell, index) => cell.padEnd(widths[index] as number)).join('  ');
  return [
    `ZCSPM scan polling: ${report.scans} scans with history, typical durations 3-60 min`,
    format(header),
    format(widths.map((width) => '-'.repeat(width))),
    ...lines.map(format),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = runPollingBenchmark();
  console.log(formatPollingReport(report));
  console.log(JSON.stringify({ polling: report.figures }));
}
