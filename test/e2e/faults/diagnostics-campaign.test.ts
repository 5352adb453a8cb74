import { DiagnosticsPipelineHarness, type DiagnosticsOutcome, type WebhookAnswer } from '../../../local/sandbox/diagnostics/harness.js';
import type { RecordedCall, TraceOutcome } from '../../../local/simulator/index.js';
import {
  absorptionRate,
  addAbsorption,
  addCounters,
  addTerminal,
  campaignSize,
  emptyTotals,
  faultKindsOf,
  injectWaveFaults,
  MIN_ABSORPTION,
  resetForWave,
  SeededRandom,
  summaryLine,
  waveSecretProblems,
  waveSeeds,
} from '../../helpers/faults/campaign.js';
import { alertBody } from '../diagnostics/support.js';

const size = campaignSize('diagnostics');
const totals = emptyTotals();

/** A campaign is one long test: its runs share one harness (starting one costs seconds). */
const CAMPAIGN_TIMEOUT_MS = 480_000;

/** Tenant trace cap of the deployment and the simulator: low, so concurrent runs compete for slots. */
const TRACE_CAP = 10;

/** The shared budget's limits; the simulator allows twice as much (its windows are not aligned with the budget's). */
const BUDGET = { perSecond: 100, perMinute: 100_000 } as const;

let harness: DiagnosticsPipelineHarness;

beforeAll(async () => {
  harness = await DiagnosticsPipelineHarness.start({
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
    zdxRate: BUDGET,
    retryIntervalMs: 20,
    config: {
      diagnostics: { tenantTraceCap: TRACE_CAP, maxDevicesPerAlert: 5 },
      notifications: { slack: { enabled: false }, sns: { enabled: true }, eventBridge: { enabled: false } },
    },
  });
  harness.simulator.update({
    zdx: {
      rateLimit: { perSecond: BUDGET.perSecond * 2, perMinute: BUDGET.perMinute * 2, includeAuthCalls: false },
      deepTraces: { tenantCap: TRACE_CAP },
    },
    faults: { rate: 0, slowMs: 150, retryAfterSeconds: 1 },
  });
});

afterAll(async () => {
  await harness?.close();
  // The figures of the closing note (one line per pipeline).
  console.log(summaryLine('diagnostics', totals, size));
});

interface RunPlan {
  readonly seed: number;
  readonly alertId: number;
  readonly deviceIds: readonly string[];
  /** How each device's deep trace ends in the simulator (same order as `deviceIds`). */
  readonly traceOutcomes: readonly TraceOutcome[];
  /** The webhook is delivered twice at once (ZDX retries; the intake's conditional write decides). */
  readonly race: boolean;
}

function planRun(seed: number): RunPlan {
  const random = new SeededRandom(seed);
  const alertId = 9_500_000 + seed;
  const outcomes: TraceOutcome[] = [];
  const count = random.int(1, 2);
  for (let index = 0; index < count; index += 1) {
    const roll = random.next();
    outcomes.push(roll < 0.7 ? 'completed' : roll < 0.85 ? 'failed' : 'expired');
  }
  const alert = harness.simulator.ensureAlert(alertId, { deviceCount: count, applicationId: 1 });
  const deviceIds = alert.deviceIds.map(String);
  harness.simulator.update({ zdx: { deepTraces: { outcomes: Object.fromEntries(deviceIds.map((id, index) => [id, outcomes[index] as TraceOutcome])) } } });
  return { seed, alertId, deviceIds, traceOutcomes: outcomes, race: random.chance(0.3) };
}

/** Delivers like ZDX would: a 5xx (or a failed invocation) is delivered again, up to 5 times. */
async function deliverWithRetries(body: string): Promise<WebhookAnswer | Error> {
  let last: WebhookAnswer | Error = new Error('not delivered');
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      last = await harness.deliverWebhook(body);
      if (last.statusCode < 500) return last;
    } catch (caught) {
      last = caught as Error;
    }
    totals.redeliveries += 1;
  }
  return last;
}

function startRun(plan: RunPlan): Promise<Array<WebhookAnswer | Error>> {
  const body = alertBody(plan.alertId);
  if (plan.race) totals.races += 1;
  return Promise.all((plan.race ? [body, body] : [body]).map((delivery) => deliverWithRetries(delivery)));
}

/** The device status a trace that does not complete must be reported with. */
const REAL_FAILURE_STATUS: Partial<Record<TraceOutcome, string>> = { failed: 'failed', expired: 'expired' };

/** The simulator calls made for one device of an alert (its own endpoints and the alert's). */
function callsOf(calls: readonly RecordedCall[], alertId: number, deviceId: string): RecordedCall[] {
  return calls.filter((call) => /\/devices\/(\d+)/.exec(call.path)?.[1] === deviceId || /\/alerts\/(\d+)/.exec(call.path)?.[1] === String(alertId));
}

/** Every broken promise of one run, each naming the seed that replays it. */
function checkRun(
  plan: RunPlan,
  answers: Array<WebhookAnswer | Error>,
  outcome: DiagnosticsOutcome | undefined,
  tracesStarted: Record<string, number>,
  calls: readonly RecordedCall[],
): string[] {
  const problems: string[] = [];
  const replay = `seed ${plan.seed} (replay: ZSA_FAULT_SEED=${plan.seed} ZSA_FAULT_RUNS=2 ZSA_FAULT_CONCURRENCY=1)`;
  const started = answers.filter((answer) => !(answer instanceof Error) && answer.statusCode === 202).length;
  for (const answer of answers) {
    if (answer instanceof Error || answer.statusCode >= 300) problems.push(`${replay}: the webhook was not accepted: ${answer instanceof Error ? answer.message : JSON.stringify(answer)}`);
    else totals.accepted += 1;
  }
  if (started !== 1) problems.push(`${replay}: ${started} deliveries started an execution (expected exactly 1)`);
  if (!outcome) {
    problems.push(`${replay}: execution alert-${plan.alertId} did not finish`);
    return problems;
  }
  const reported = new Map((outcome.report?.devices ?? []).map((device) => [device.deviceId, device]));
  plan.deviceIds.forEach((id, index) => {
    const device = reported.get(id);
    // A device never traced because every slot stayed taken is the cap at work, not a fault.
    if (device?.status === 'capped') return;
    const planned = plan.traceOutcomes[index];
    if (planned === 'completed') {
      const faultKinds = faultKindsOf(callsOf(calls, plan.alertId, id));
      const succeeded = device?.status === 'diagnosed';
      addAbsorption(totals, { succeeded, faultKinds });
      if (!succeeded && process.env.ZSA_FAULT_DETAILS) {
        console.log(`not absorbed: ${replay}: device ${id} ${device?.status ?? outcome.failure?.reason} after {${faultKinds.join(',')}}\n  ${taskErrors(outcome.executionName, id).join('\n  ')}`);
      }
      return;
    }
    // A real failure stays a failure, named as what it is.
    const expected = planned ? REAL_FAILURE_STATUS[planned] : undefined;
    if (expected && device && device.status !== expected) {
      problems.push(`${replay}: device ${id}: its trace was planned to end ${expected} but it was reported ${device.status} (${device.reason ?? 'no reason'}; task errors: ${taskErrors(outcome.executionName, id).join('; ') || 'none'})`);
    }
  });
  addTerminal(totals, outcome.status);
  totals.notifications += outcome.notifications.length;
  if (outcome.notifications.length === 0) problems.push(`${replay}: ${outcome.executionName} ended ${outcome.status} without a notification`);
  if (outcome.report) {
    const lost = plan.deviceIds.filter((id) => !reported.has(id));
    if (lost.length > 0) problems.push(`${replay}: devices missing from the report: ${lost.join(', ')}`);
    for (const device of outcome.report.devices) addTerminal(totals, `device:${device.status}`);
  }
  for (const id of plan.deviceIds) {
    const traces = tracesStarted[id] ?? 0;
    if (traces > 1) {
      totals.duplicates += traces - 1;
      problems.push(`${replay}: ${traces} deep traces started on device ${id}`);
    }
  }
  return problems;
}

/** Why each task of the execution failed for a device (printed with ZSA_FAULT_DETAILS=1). */
function taskErrors(executionName: string, deviceId: string): string[] {
  return harness.runner.taskRuns
    .filter((run) => run.executionName === executionName && run.error && JSON.stringify(run.input).includes(deviceId))
    .map((run) => `${run.stateName}: ${run.error?.name}: ${run.error?.message.slice(0, 200)}`);
}

describe('AlertDiagnostics fault campaign (seeded, simulator faults at 20%)', () => {
  it(`ends every accepted alert in a notified terminal state, with no duplicate trace and within the cap and budget, over ${size.runs} seeded runs`, async () => {
    const problems: string[] = [];
    let notificationsSeen = 0;

    for (let first = 0; first < size.runs; first += size.concurrency) {
      const seeds = waveSeeds(size, first);
      resetForWave(harness.simulator);
      harness.simulator.zdx.resetRateLimit();
      const plans = seeds.map((seed) => planRun(seed));
      injectWaveFaults(harness.simulator, seeds, () => harness.simulator.zdx.revokeTokens(), totals);

      const answers = await Promise.all(plans.map((plan) => startRun(plan)));
      await harness.idle();
      harness.simulator.update({ faults: { rate: 0 } });
      const outcomes = new Map(harness.outcomes().map((outcome) => [outcome.executionName, outcome]));
      const counters = harness.simulator.counters;
      const calls = [...harness.simulator.calls];

      plans.forEach((plan, index) => {
        totals.runs += 1;
        problems.push(...checkRun(plan, answers[index] ?? [], outcomes.get(`alert-${plan.alertId}`), counters.tracesStarted, calls));
      });
      const seedRange = `wave of seeds ${seeds[0]}..${seeds.at(-1)} (replay: ZSA_FAULT_SEED=${seeds[0]} ZSA_FAULT_RUNS=${seeds.length * 2})`;
      if (counters.rateLimited > 0) problems.push(`${seedRange}: ${counters.rateLimited} rate-limit 429s: the shared budget was exceeded`);
      if (counters.maxConcurrentActiveTraces > TRACE_CAP) problems.push(`${seedRange}: ${counters.maxConcurrentActiveTraces} traces active at once (cap ${TRACE_CAP})`);
      addCounters(totals, counters);
      // Everything the wave notified or failed with must be free of secrets.
      problems.push(...waveSecretProblems({ seeds, notifications: harness.standIns.notifications.slice(notificationsSeen), executions: harness.executions() }, totals));
      notificationsSeen = harness.standIns.notifications.length;
    }

    expect(problems).toEqual([]);
    expect(totals.runs).toBe(size.runs);
    // Transient faults are absorbed: of the devices whose deep trace completed, at most 1% are not diagnosed.
    expect(absorptionRate(totals)).toBeGreaterThanOrEqual(MIN_ABSORPTION);
    if (size.runs >= 20) expect(Object.values(totals.faultsInjected).reduce((sum, count) => sum + (count ?? 0), 0)).toBeGreaterThan(0);
  }, CAMPAIGN_TIMEOUT_MS);
});
