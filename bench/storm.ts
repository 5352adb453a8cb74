/**
 * Benchmark (not a test): an alert storm within a tier-1 tenant's budget, and the cost of an
 * organization's day.
 *
 * Storm: 30 alerts of 10-60 devices (seeded) arrive within 5 minutes and run end to end through
 * the synthesized AlertDiagnostics state machine, the real handlers, DynamoDB Local and the
 * simulator enforcing ZDX's tier-1 limits (5/s, 30/min, 1,000/h, 10,000/day). Time is compressed
 * 20x alike everywhere it can be: the simulator's four windows and its trace sessions, the shared
 * budget's windows (ZDX_RATE_WINDOW_SCALE), the arrivals and Step Functions' retry waits; the
 * budget keeps the configured share (0.5) and the default 10% margin. Reported: calls in the
 * busiest window of each length (sliding, so at least what any server window counted) against
 * the tenant's limit and the share, 429s, time to first verdict per alert (today an alert's device
 * verdicts come when its Diagnose step runs; seconds of simulated time = wall x 20), devices with
 * a verdict, traces run, and the transitions and invocations it cost.
 *
 * Org day: per-scan and per-alert transitions, Lambda invocations and DynamoDB requests measured
 * from real sandbox runs (one post-deploy scan; one 10-device alert at tier 4), scaled to 1,000
 * accounts x 10 deployments a day and 50 alerts a day, priced at list prices (see the README).
 *
 * Run alone: `npx tsx bench/storm.ts`; `npm run bench -- --only storm` runs it from bench/run.ts.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ZDX_RATE_TIERS } from '../lambdas/core/rate-budget/zdx-rate-tiers.js';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../local/dynamodb-local.js';
import { DiagnosticsPipelineHarness } from '../local/sandbox/diagnostics/harness.js';
import { ScanPipelineHarness } from '../local/sandbox/scan-harness.js';
import { mulberry32 } from '../local/simulator/random.js';
import { alertWebhookBody } from './lib/alert-run.js';
import { startCountingProxy, type CountingProxy } from './lib/counting-proxy.js';
import { maxInAnyWindow, percentile, round } from './lib/stats.js';
import { formatTable } from './lib/table.js';

const execFileAsync = promisify(execFile);

/** Simulated seconds per wall second. */
export const STORM_TIME_COMPRESSION = 20;
const ALERTS = 30;
const ARRIVAL_SPAN_MS = 5 * 60_000;
const SHARE = 0.5;
const SEED = 19;
const FIRST_ALERT_ID = 9_910_001;
const WINDOWS = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
type WindowName = keyof typeof WINDOWS;

/** The figures `npm run bench -- --json` reports under `storm`. */
export interface StormFigures {
  readonly alerts: number;
  readonly devicesAffected: number;
  readonly timeCompression: number;
  readonly responses429: number;
  readonly share: number;
  readonly maxShareUsed: number;
  /**
   * Per window: the most calls the server counted in one of its windows (each starts with the first
   * call after the previous one ended, as ZDX counts), the most in any window of that length
   * wherever it starts, the share's limit and the tenant's.
   */
  readonly windows: Record<WindowName, { readonly maxCalls: number; readonly maxCallsAnyWindow: number; readonly limit: number; readonly shareLimit: number }>;
  readonly firstVerdictSeconds: { readonly p50: number; readonly p95: number };
  readonly alertsWithVerdict: number;
  readonly devicesWithVerdict: number;
  readonly deepTraces: number;
  readonly devicesSkippedForBudget: number;
  readonly transitions: number;
  readonly invocations: number;
  readonly wallSeconds: number;
}

/** The figures under `orgDay`, with the measured unit costs they come from. */
export interface OrgDayFigures {
  readonly accounts: number;
  readonly deploymentsPerAccount: number;
  readonly alerts: number;
  readonly perScan: UnitCost;
  readonly perAlert: UnitCost;
  readonly transitions: number;
  readonly invocations: number;
  readonly dynamodbRequests: number;
  readonly dollars: number;
}

export interface UnitCost {
  readonly transitions: number;
  readonly invocations: number;
  readonly dynamodbReads: number;
  readonly dynamodbWrites: number;
}

/** List prices (us-east-1, USD) the org day is priced at; the README states the same. */
export const LIST_PRICES = {
  perStateTransition: 0.025 / 1_000,
  perLambdaRequest: 0.2 / 1_000_000,
  /** 256 MB x an assumed 300 ms average (arm64 would be 20% less). */
  perLambdaDuration: 0.0000166667 * 0.25 * 0.3,
  perDynamoWrite: 0.625 / 1_000_000,
  perDynamoRead: 0.125 / 1_000_000,
} as const;

/** The most calls in one server window: a window starts with the first call after the previous one ended (zdx-api.md §5.3). */
export function maxInServerWindow(stamps: readonly number[], lengthMs: number): number {
  let max = 0;
  let start = Number.NEGATIVE_INFINITY;
  let count = 0;
  for (const stamp of [...stamps].sort((a, b) => a - b)) {
    if (stamp >= start + lengthMs) {
      start = stamp;
      count = 0;
    }
    count += 1;
    max = Math.max(max, count);
  }
  return max;
}

/** Runs the storm and measures it. */
export async function runStormBenchmark(options: { dynamoEndpoint: string; progress?: (line: string) => void }): Promise<StormFigures> {
  const c = STORM_TIME_COMPRESSION;
  const tier = ZDX_RATE_TIERS[1];
  const scaled = { secondWindowMs: WINDOWS.second / c, minuteWindowMs: WINDOWS.minute / c, hourWindowMs: WINDOWS.hour / c, dayWindowMs: WINDOWS.day / c };
  const diagnoseAt = new Map<string, number>();
  let statesEntered = 0;
  let taskStatesEntered = 0;
  const harness = await DiagnosticsPipelineHarness.start({
    dynamoEndpoint: options.dynamoEndpoint,
    // A call can reach the simulator a few hundred ms after its slot on this shared 2-core machine
    // (Lambda is not that late): with the second window compressed to 50 ms that is several windows,
    // so the budget's allowance for lateness is raised from 100 ms to 400 ms here.
    zdxRate: { ...tier, share: SHARE, windowScale: 1 / c, safetyMargin: 0.1, latencyAllowanceMs: 400 },
    simulator: { timeScale: 1 / c, zdx: { rateLimit: { ...tier, ...scaled }, deepTraces: { tenantCap: 15 } } },
    config: {
      diagnostics: { maxDevicesPerAlert: 60, tenantTraceCap: 10, mapConcurrency: 10 },
      notifications: { slack: { enabled: false }, sns: { enabled: true }, eventBridge: { enabled: false } },
    },
    // Step Functions retry waits (a busy budget: 10 s doubling to 60 s; a full trace-slot pool: about
    // 60 s on average) compressed like the rest: one interval of about 40 s of simulated time.
    retryIntervalMs: Math.round(40_000 / c),
    onState: (executionName, stateName, stateType) => {
      statesEntered += 1;
      if (stateType === 'Task') taskStatesEntered += 1;
      if (stateName === 'Diagnose' && !diagnoseAt.has(executionName)) diagnoseAt.set(executionName, performance.now());
    },
  });
  try {
    const random = mulberry32(SEED);
    const storm = Array.from({ length: ALERTS }, (_, i) => ({
      alertId: FIRST_ALERT_ID + i,
      devices: 10 + Math.floor(random() * 51),
      severity: random() < 0.4 ? 'High' : 'Medium',
      arrivesAfterMs: Math.round((random() * ARRIVAL_SPAN_MS) / c),
    }));
    for (const alert of storm) harness.simulator.ensureAlert(alert.alertId, { deviceCount: alert.devices, severity: alert.severity as 'High' | 'Medium' });
    harness.simulator.resetCalls();
    harness.simulator.resetCounters();
    const devicesAffected = storm.reduce((sum, alert) => sum + alert.devices, 0);
    options.progress?.(`storm: ${ALERTS} alerts, ${devicesAffected} devices, arriving within ${ARRIVAL_SPAN_MS / c / 1000} s (${c}x compressed)`);

    const started = performance.now();
    const deliveredAt = new Map<string, number>();
    await Promise.all(
      storm.map(async (alert) => {
        await delay(alert.arrivesAfterMs);
        deliveredAt.set(`alert-${alert.alertId}`, performance.now());
        const answer = await harness.deliverWebhook(alertWebhookBody(alert.alertId, alert.severity));
        if (answer.statusCode !== 202) throw new Error(`alert ${alert.alertId}: the webhook answered ${answer.statusCode}: ${JSON.stringify(answer.body)}`);
      }),
    );
    await harness.idle();
    const wallSeconds = (performance.now() - started) / 1000;

    const zdxCalls = harness.simulator.calls.filter((call) => call.api === 'zdx');
    const admitted = zdxCalls.filter((call) => call.status !== 429).map((call) => call.at);
    const limits: Record<WindowName, number> = { second: tier.perSecond, minute: tier.perMinute, hour: tier.perHour, day: tier.perDay };
    const windows = Object.fromEntries(
      (Object.keys(WINDOWS) as WindowName[]).map((name) => [
        name,
        { maxCalls: maxInServerWindow(admitted, WINDOWS[name] / c), maxCallsAnyWindow: maxInAnyWindow(admitted, WINDOWS[name] / c), limit: limits[name], shareLimit: Math.floor(limits[name] * SHARE) },
      ]),
    ) as StormFigures['windows'];
    const outcomes = harness.outcomes().filter((outcome) => outcome.executionName.startsWith('alert-'));
    if (outcomes.length !== ALERTS) throw new Error(`${outcomes.length} of ${ALERTS} alerts finished`);
    const firstVerdicts: number[] = [];
    let devicesWithVerdict = 0;
    let devicesSkippedForBudget = 0;
    for (const outcome of outcomes) {
      const devices = outcome.report?.devices ?? [];
      const diagnosed = devices.filter((device) => device.status === 'diagnosed').length;
      devicesWithVerdict += diagnosed;
      devicesSkippedForBudget += devices.filter((device) => device.status === 'skipped_budget').length;
      const at = diagnoseAt.get(outcome.executionName);
      const from = deliveredAt.get(outcome.executionName);
      if (diagnosed > 0 && at !== undefined && from !== undefined) firstVerdicts.push(((at - from) / 1000) * c);
    }
    return {
      alerts: ALERTS,
      devicesAffected,
      timeCompression: c,
      responses429: harness.simulator.counters.responses429,
      share: SHARE,
      maxShareUsed: round(Math.max(...(Object.keys(windows) as WindowName[]).map((name) => windows[name].maxCalls / windows[name].limit)), 3),
      windows,
      firstVerdictSeconds: { p50: round(percentile(firstVerdicts, 50), 0), p95: round(percentile(firstVerdicts, 95), 0) },
      alertsWithVerdict: firstVerdicts.length,
      devicesWithVerdict,
      deepTraces: Object.values(harness.simulator.counters.tracesStarted).reduce((sum, count) => sum + count, 0),
      devicesSkippedForBudget,
      // Step Functions bills every state entered and every retry of a task.
      transitions: statesEntered + Math.max(0, harness.runner.taskRuns.length - taskStatesEntered),
      // Every task of every execution (retries included), plus the webhook's AlertIntake.
      invocations: harness.runner.taskRuns.length + ALERTS,
      wallSeconds: round(wallSeconds, 0),
    };
  } finally {
    await harness.close();
  }
}

/** Measures one post-deploy scan and one 10-device alert, and scales them to an organization's day. */
export async function runOrgDayModel(options: { dynamoEndpoint: string; progress?: (line: string) => void }): Promise<OrgDayFigures> {
  // A process of its own: the handlers keep their secrets and clients per process (as a warm Lambda
  // does), and the storm's harness left another webhook credential behind in this one.
  const { stdout } = await execFileAsync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), UNIT_COSTS_FLAG], {
    env: { ...process.env, DYNAMODB_ENDPOINT: options.dynamoEndpoint },
    maxBuffer: 16 * 1024 * 1024,
  });
  const { perScan, perAlert } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { perScan: UnitCost; perAlert: UnitCost };
  options.progress?.(`org day: one scan cost ${JSON.stringify(perScan)}; one 10-device alert ${JSON.stringify(perAlert)}`);
  return orgDay(perScan, perAlert);
}

const UNIT_COSTS_FLAG = '--unit-costs';

/** Measures one scan and one alert through a counting proxy (run in a process of its own). */
async function measureUnitCosts(dynamoEndpoint: string): Promise<{ perScan: UnitCost; perAlert: UnitCost }> {
  const proxy = await startCountingProxy(dynamoEndpoint);
  try {
    return { perScan: await measureScan(proxy), perAlert: await measureAlert(proxy) };
  } finally {
    await proxy.close();
  }
}

/** The org-day formula: 1,000 accounts x 10 deployments (one scan each) + 50 alerts, at list prices. */
export function orgDay(perScan: UnitCost, perAlert: UnitCost, accounts = 1_000, deploymentsPerAccount = 10, alerts = 50): OrgDayFigures {
  const scans = accounts * deploymentsPerAccount;
  const total = (key: keyof UnitCost) => scans * perScan[key] + alerts * perAlert[key];
  const transitions = total('transitions');
  const invocations = total('invocations');
  const reads = total('dynamodbReads');
  const writes = total('dynamodbWrites');
  const dollars =
    transitions * LIST_PRICES.perStateTransition +
    invocations * (LIST_PRICES.perLambdaRequest + LIST_PRICES.perLambdaDuration) +
    writes * LIST_PRICES.perDynamoWrite +
    reads * LIST_PRICES.perDynamoRead;
  return { accounts, deploymentsPerAccount, alerts, perScan, perAlert, transitions, invocations, dynamodbRequests: reads + writes, dollars: round(dollars, 2) };
}

/** What one run cost: states entered, tasks run plus the entry function, DynamoDB requests through the proxy. */
function unitCost(harness: { executions(): Array<{ states: readonly string[] }>; runner: { taskRuns: readonly unknown[] } }, proxy: CountingProxy): UnitCost {
  const { reads, writes } = proxy.totals();
  return {
    transitions: harness.executions().reduce((sum, execution) => sum + execution.states.length, 0),
    invocations: harness.runner.taskRuns.length + 1,
    dynamodbReads: reads,
    dynamodbWrites: writes,
  };
}

async function measureScan(proxy: CountingProxy): Promise<UnitCost> {
  const account = '111122223333';
  const harness = await ScanPipelineHarness.start({ awsAccounts: [account], dynamoEndpoint: proxy.endpoint });
  try {
    const sample = JSON.parse(readFileSync(new URL('../local/sandbox/samples/cfn-stack-create-complete.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    proxy.reset();
    const delivered = await harness.deliver(sample);
    await harness.idle();
    if (!delivered.delivered) throw new Error(`the scan sample was not delivered: ${JSON.stringify(delivered)}`);
    const outcomes = await harness.scanOutcomes();
    if (outcomes.length !== 1) throw new Error(`expected one scan outcome, got ${outcomes.length}`);
    return unitCost(harness, proxy);
  } finally {
    await harness.close();
  }
}

async function measureAlert(proxy: CountingProxy): Promise<UnitCost> {
  const alertId = 9_920_001;
  const harness = await DiagnosticsPipelineHarness.start({
    dynamoEndpoint: proxy.endpoint,
    config: { notifications: { slack: { enabled: true }, sns: { enabled: true }, eventBridge: { enabled: true } } },
  });
  try {
    harness.simulator.ensureAlert(alertId, { deviceCount: 10 });
    proxy.reset();
    const answer = await harness.deliverWebhook(alertWebhookBody(alertId));
    await harness.idle();
    if (answer.statusCode !== 202) throw new Error(`the webhook answered ${answer.statusCode}`);
    const [outcome] = harness.outcomes();
    if (!outcome?.report) throw new Error('the alert produced no report');
    return unitCost(harness, proxy);
  } finally {
    await harness.close();
  }
}

/** The tables `npm run bench` prints. */
export function formatStormReport(storm: StormFigures): string {
  const windows = (Object.keys(storm.windows) as WindowName[]).map((name) => {
    const window = storm.windows[name];
    return [name, window.maxCalls, window.maxCallsAnyWindow, window.shareLimit, window.limit, `${round((window.maxCalls / window.limit) * 100, 1)}%`];
  });
  return [
    `Alert storm (${storm.alerts} alerts, ${storm.devicesAffected} devices, tier-1 limits, share ${storm.share}, time ${storm.timeCompression}x compressed; ${storm.wallSeconds} s wall)`,
    formatTable(['window', 'max calls per server window', 'in any window', 'share limit', 'tenant limit', 'of tenant'], windows),
    formatTable(
      ['429s', 'max share used', 'first verdict p50 (s)', 'p95 (s)', 'alerts with a verdict', 'devices with a verdict', 'deep traces', 'skipped for budget', 'transitions', 'invocations'],
      [[storm.responses429, storm.maxShareUsed, storm.firstVerdictSeconds.p50, storm.firstVerdictSeconds.p95, storm.alertsWithVerdict, storm.devicesWithVerdict, storm.deepTraces, storm.devicesSkippedForBudget, storm.transitions, storm.invocations]],
    ),
  ].join('\n');
}

export function formatOrgDayReport(day: OrgDayFigures): string {
  return `Org day (${day.accounts} accounts x ${day.deploymentsPerAccount} deployments + ${day.alerts} alerts; unit costs measured in the sandbox)\n${formatTable(
    ['', 'transitions', 'invocations', 'DynamoDB reads', 'DynamoDB writes', 'USD'],
    [
      ['per scan', day.perScan.transitions, day.perScan.invocations, day.perScan.dynamodbReads, day.perScan.dynamodbWrites, ''],
      ['per alert (10 devices)', day.perAlert.transitions, day.perAlert.invocations, day.perAlert.dynamodbReads, day.perAlert.dynamodbWrites, ''],
      ['day', day.transitions, day.invocations, day.dynamodbRequests, '', day.dollars],
    ],
  )}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let dynamo: RunningDynamoDbLocal | undefined;
  try {
    const endpoint = process.env.DYNAMODB_ENDPOINT ?? (dynamo = await startDynamoDbLocal()).endpoint;
    if (process.argv.includes(UNIT_COSTS_FLAG)) {
      process.stdout.write(`${JSON.stringify(await measureUnitCosts(endpoint))}\n`);
      process.exit(0);
    }
    const progress = (line: string) => process.stderr.write(`[storm] ${line}\n`);
    const storm = await runStormBenchmark({ dynamoEndpoint: endpoint, progress });
    process.stdout.write(`${formatStormReport(storm)}\n${JSON.stringify(storm)}\n`);
    const day = await runOrgDayModel({ dynamoEndpoint: endpoint, progress });
    process.stdout.write(`${formatOrgDayReport(day)}\n${JSON.stringify(day)}\n`);
  } finally {
    await dynamo?.stop();
  }
}
