/**
 * Benchmark (not a test): how long the AlertDiagnostics fan-out takes for N devices, against the
 * least time the ZDX rate limit allows for the calls it makes, and how many 429s it met.
 *
 * One alert with N affected devices runs end to end through the synthesized state machine, the
 * real handlers, DynamoDB Local and the simulator enforcing ZDX's documented 5 requests per second
 * (and the tier-4 180 per minute). The theoretical minimum is the time the simulator's limit needs
 * to admit every request the run made (k-th request no earlier than floor(k / 5) s and
 * floor(k / 180) min after the first), plus one compressed deep-trace session. The shared rate
 * budget runs without its safety margin here (ZDX_RATE_SAFETY_MARGIN = 0; the default 0.1 holds a
 * tenth of the limit back for other callers).
 *
 * A one-device warm-up alert runs first (handler modules loaded, token cached), so the figure is
 * the fan-out of warm functions.
 *
 * Run alone: `npx tsx bench/fanout.ts [devices]`; `npm run bench` calls {@link runFanoutBenchmark}.
 */
import { pathToFileURL } from 'node:url';
import { DiagnosticsPipelineHarness } from '../local/sandbox/diagnostics/harness.js';
import { alertReport, alertWebhookBody, warmUp } from './lib/alert-run.js';
import { round } from './lib/stats.js';
import { formatTable } from './lib/table.js';

/** The figures `npm run bench -- --json` reports under `fanout`. */
export interface FanoutFigures {
  readonly devices: number;
  readonly seconds: number;
  readonly theoreticalSeconds: number;
  readonly responses429: number;
}

export interface FanoutReport {
  readonly figures: FanoutFigures;
  /** ZDX requests the run made (token, alert, devices, probes, starts, polls, results). */
  readonly requests: number;
  readonly perSecond: number;
  readonly perMinute: number;
  readonly diagnosed: number;
  readonly maxConcurrentActiveTraces: number;
}

export interface FanoutBenchmarkOptions {
  /** Affected devices of the alert. @default 12 */
  readonly devices?: number;
  /** A running DynamoDB Local. @default DYNAMODB_ENDPOINT, else one is started */
  readonly dynamoEndpoint?: string;
}

const LIMITS = { perSecond: 5, perMinute: 180 } as const;
const ALERT_ID = 9_900_001;
const WARMUP_ALERT_ID = 9_900_000;
/** About what the warm-up alert asks of ZDX (token, alert, devices, one traced device). */
const WARMUP_REQUESTS = 13;

/** Earliest time (s) the n-th request of a burst can be admitted under both windows. */
export function minimumSeconds(requests: number, limits: { perSecond: number; perMinute: number }): number {
  if (requests <= 0) return 0;
  const last = requests - 1;
  return Math.max(Math.floor(last / limits.perSecond), Math.floor(last / limits.perMinute) * 60);
}

/** Runs one alert with `devices` affected devices and measures it. */
export async function runFanoutBenchmark(options: FanoutBenchmarkOptions = {}): Promise<FanoutReport> {
  const devices = options.devices ?? 12;
  const harness = await DiagnosticsPipelineHarness.start({
    dynamoEndpoint: options.dynamoEndpoint ?? process.env.DYNAMODB_ENDPOINT,
    zdxRate: LIMITS,
    simulator: { zdx: { rateLimit: { ...LIMITS }, deepTraces: { tenantCap: 15 } } },
    config: {
      diagnostics: { maxDevicesPerAlert: Math.max(devices, 15), tenantTraceCap: 15, mapConcurrency: Math.min(40, devices) },
      notifications: { slack: { enabled: false }, sns: { enabled: true }, eventBridge: { enabled: false } },
    },
  });
  try {
    await warmUp(harness, WARMUP_ALERT_ID, 61_000 * (WARMUP_REQUESTS / LIMITS.perMinute) + 1_100);
    harness.simulator.ensureAlert(ALERT_ID, { deviceCount: devices });
    harness.simulator.resetCalls();
    harness.simulator.resetCounters();

    const started = performance.now();
    const answer = await harness.deliverWebhook(alertWebhookBody(ALERT_ID));
    await harness.idle();
    const seconds = (performance.now() - started) / 1000;

    if (answer.statusCode !== 202) throw new Error(`the webhook answered ${answer.statusCode}: ${JSON.stringify(answer.body)}`);
    const report = alertReport(harness, ALERT_ID);
    const requests = harness.simulator.calls.filter((call) => call.api === 'zdx').length;
    const sessionSeconds = 5 * 60 * harness.simulator.config.timeScale;
    return {
      figures: {
        devices,
        seconds: round(seconds, 1),
        theoreticalSeconds: round(minimumSeconds(requests, LIMITS) + sessionSeconds, 1),
        responses429: harness.simulator.counters.responses429,
      },
      requests,
      perSecond: LIMITS.perSecond,
      perMinute: LIMITS.perMinute,
      diagnosed: report.summary.diagnosed,
      maxConcurrentActiveTraces: harness.simulator.counters.maxConcurrentActiveTraces,
    };
  } finally {
    await harness.close();
  }
}

/** The table `npm run bench` prints. */
export function formatFanoutReport(report: FanoutReport): string {
  const { figures } = report;
  return `Fan-out (one alert, ZDX limit ${report.perSecond}/s and ${report.perMinute}/min enforced by the simulator)\n${formatTable(
    ['devices', 'ZDX requests', 'seconds', 'theoretical min', 'ratio', '429s', 'diagnosed', 'max active traces'],
    [[figures.devices, report.requests, figures.seconds, figures.theoreticalSeconds, round(figures.seconds / figures.theoreticalSeconds, 2), figures.responses429, report.diagnosed, report.maxConcurrentActiveTraces]],
  )}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const devices = process.argv[2] ? Number(process.argv[2]) : undefined;
  const report = await runFanoutBenchmark(devices ? { devices } : {});
  process.stdout.write(`${formatFanoutReport(report)}\n${JSON.stringify(report.figures)}\n`);
}
