/**
 * Benchmark (not a test): how soon the first look gives verdicts, against the simulator at ZDX
 * licence tier 1 (5 requests per second, 30 per minute), in real time.
 *
 * One alert with 60 affected devices runs end to end through the synthesized state machine, the
 * real handlers, DynamoDB Local and the simulator enforcing the limits. The deep traces run beside
 * the first look (per-alert cap 5: the other 55 devices get a first look only) and draw from the
 * same budget. Figures:
 * - `firstVerdictSeconds`: webhook accepted -> the first device's first-look verdict;
 * - `allVerdictsSeconds`: -> the last device's, against `floorSeconds`, the least time the rate limit
 *   allows for every ZDX call the run made until then (first look and deep traces alike; the
 *   k-th call no earlier than floor(k / 5) s and floor(k / 30) min after the first);
 * - `zdxCallsPerDevice`: the first look's own calls per device; `responses429`: over the whole run.
 * The shared budget runs without its safety margin (ZDX_RATE_SAFETY_MARGIN = 0), like the fan-out
 * benchmark. A one-device warm-up alert runs first (modules loaded, token cached), then the bench
 * waits for the minute window to empty.
 *
 * Run alone: `npx tsx bench/first-look.ts [devices]`; `npm run bench -- --only firstLook` calls
 * {@link runFirstLookBenchmark}.
 */
import { pathToFileURL } from 'node:url';
import { DiagnosticsPipelineHarness } from '../local/sandbox/diagnostics/harness.js';
import { minimumSeconds } from './fanout.js';
import { alertReport, alertWebhookBody, warmUp } from './lib/alert-run.js';
import { round } from './lib/stats.js';
import { formatTable } from './lib/table.js';

/** The figures `npm run bench -- --json` reports under `firstLook`. */
export interface FirstLookFigures {
  readonly firstVerdictSeconds: number;
  readonly devices: number;
  readonly devicesWithVerdict: number;
  readonly allVerdictsSeconds: number;
  readonly floorSeconds: number;
  readonly zdxCallsPerDevice: number;
  readonly responses429: number;
}

export interface FirstLookReport {
  readonly figures: FirstLookFigures;
  /** Every ZDX call until the last verdict (what the floor is computed from). */
  readonly callsUntilLastVerdict: number;
  readonly tracedDevices: number;
  readonly perSecond: number;
  readonly perMinute: number;
}

export interface FirstLookBenchmarkOptions {
  /** Affected devices of the alert. @default 60 */
  readonly devices?: number;
  /** A running DynamoDB Local. @default DYNAMODB_ENDPOINT, else one is started */
  readonly dynamoEndpoint?: string;
}

const LIMITS = { perSecond: 5, perMinute: 30 } as const;
const TRACED = 5;
const ALERT_ID = 9_910_001;
const WARMUP_ALERT_ID = 9_910_000;

/** Runs one alert with `devices` affected devices at tier-1 limits and measures its first looks. */
export async function runFirstLookBenchmark(options: FirstLookBenchmarkOptions = {}): Promise<FirstLookReport> {
  const devices = options.devices ?? 60;
  const harness = await DiagnosticsPipelineHarness.start({
    dynamoEndpoint: options.dynamoEndpoint ?? process.env.DYNAMODB_ENDPOINT,
    zdxRate: LIMITS,
    simulator: { zdx: { rateLimit: { ...LIMITS } } },
    config: {
      diagnostics: { maxDevicesPerAlert: TRACED, tenantTraceCap: 10, mapConcurrency: TRACED },
      notifications: { slack: { enabled: false }, sns: { enabled: true }, eventBridge: { enabled: false } },
    },
  });
  try {
    // The whole minute window: the warm-up's calls leave it only then.
    await warmUp(harness, WARMUP_ALERT_ID, 61_000);
    harness.simulator.ensureAlert(ALERT_ID, { deviceCount: devices });
    harness.simulator.resetCalls();
    harness.simulator.resetCounters();

    const answer = await harness.deliverWebhook(alertWebhookBody(ALERT_ID));
    if (answer.statusCode !== 202) throw new Error(`the webhook answered ${answer.statusCode}: ${JSON.stringify(answer.body)}`);
    await harness.idle();

    const report = alertReport(harness, ALERT_ID);
    const looks = report.devices.flatMap((device) => (device.firstLook ? [device.firstLook] : []));
    if (looks.length === 0) throw new Error('no device got a first look');
    const seconds = looks.map((look) => look.secondsAfterWebhook);
    const allVerdictsSeconds = Math.max(...seconds);
    const calls = harness.simulator.calls.filter((call) => call.api === 'zdx');
    const firstCall = calls[0]?.at ?? 0;
    // The webhook's execution starts just before its first ZDX call; the floor counts from that call.
    const callsUntilLastVerdict = calls.filter((call) => call.at - firstCall <= allVerdictsSeconds * 1000).length;
    const firstLookCalls = calls.filter((call) => call.query.from !== undefined || call.path.startsWith('/v1/analysis')).length;
    return {
      figures: {
        firstVerdictSeconds: round(Math.min(...seconds), 1),
        devices,
        // A verdict counts when it rests on the whole history (nothing missing), or on the deep trace.
        devicesWithVerdict: report.devices.filter((device) => (device.firstLook && device.firstLook.missing.length === 0) || device.diagnosis).length,
        allVerdictsSeconds: round(allVerdictsSeconds, 1),
        floorSeconds: round(minimumSeconds(callsUntilLastVerdict, LIMITS), 1),
        zdxCallsPerDevice: round(firstLookCalls / devices, 2),
        responses429: harness.simulator.counters.responses429,
      },
      callsUntilLastVerdict,
      tracedDevices: report.devices.filter((device) => device.status === 'diagnosed').length,
      perSecond: LIMITS.perSecond,
      perMinute: LIMITS.perMinute,
    };
  } finally {
    await harness.close();
  }
}

/** The table `npm run bench` prints. */
export function formatFirstLookReport(report: FirstLookReport): string {
  const { figures } = report;
  return `First look (one alert, ${figures.devices} devices, ${report.tracedDevices} deep-traced beside it; ZDX ${report.perSecond}/s and ${report.perMinute}/min enforced by the simulator)\n${formatTable(
    ['first verdict s', 'devices with verdict', 'all verdicts s', 'floor s', 'ratio', 'calls until last verdict', 'first-look calls/device', '429s'],
    [[
      figures.firstVerdictSeconds,
      `${figures.devicesWithVerdict}/${figures.devices}`,
      figures.allVerdictsSeconds,
      figures.floorSeconds,
      round(figures.allVerdictsSeconds / Math.max(figures.floorSeconds, 1), 2),
      report.callsUntilLastVerdict,
      figures.zdxCallsPerDevice,
      figures.responses429,
    ]],
  )}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const devices = process.argv[2] ? Number(process.argv[2]) : undefined;
  const report = await runFirstLookBenchmark(devices ? { devices } : {});
  process.stdout.write(`${formatFirstLookReport(report)}\n${JSON.stringify(report.figures)}\n`);
}
