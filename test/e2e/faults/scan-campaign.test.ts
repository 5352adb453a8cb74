import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ScanPipelineHarness, type DeliveryOutcome, type ScanOutcome } from '../../../local/sandbox/scan-harness.js';
import type { RecordedCall } from '../../../local/simulator/index.js';
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
import { stackEvent } from '../../helpers/scan/fakes.js';

const size = campaignSize('scan');
const totals = emptyTotals();

/** A campaign is one long test: its runs share one harness (starting one costs seconds). */
const CAMPAIGN_TIMEOUT_MS = 480_000;

/** One AWS account per run slot of a wave (the mappings must fit a Lambda environment variable). */
const ACCOUNTS = Array.from({ length: size.concurrency }, (_, index) => String(300_000_000_000 + index));

/**
 * Simulated ms of a normal scan: 3 s here, long against the retries, as real scans (minutes) are
 * against real retries (seconds); so a retried rescan whose answer was lost finds its job still
 * running instead of a finished one. Retry intervals of the state machine are compressed, but waits
 * inside a Lambda are not (a server's 1 s Retry-After, the backoff between fresh tokens while
 * tokens are being revoked), and a start's recovery can meet several of them in a row.
 */
const SCAN_MS = 3_000_000;

/** Seconds after which a scan has timed out (the deployment default is minutes). */
const SCAN_TIMEOUT_SECONDS = 4;

/**
 * How long a scan that outlives the scan timeout runs past the deadline: more than a status check
 * can be held up in process (a server's 1 s Retry-After, the backoff between fresh tokens while
 * tokens are revoked, on a machine busy with the other campaign), so the check that notices the
 * deadline finds the scan still running. With 2 s, the campaign of seeds 1000..1063 met three
 * checks held up past the scan's end (rightly reported Success, not the TimedOut it planned).
 */
const EXPIRING_MARGIN_SECONDS = 8;

/** Simulated ms of a scan that outlives the scan timeout. */
const EXPIRING_SCAN_MS = (SCAN_TIMEOUT_SECONDS + EXPIRING_MARGIN_SECONDS) * 1_000_000;

let harness: ScanPipelineHarness;

beforeAll(async () => {
  harness = await ScanPipelineHarness.start({
    awsAccounts: ACCOUNTS,
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
    simulator: { faults: { rate: 0, slowMs: 150, retryAfterSeconds: 1 }, zcspm: { scan: { durationMs: SCAN_MS } } },
    scanSettings: (settings) => ({ ...settings, polling: { ...(settings.polling as object), scanTimeoutSeconds: SCAN_TIMEOUT_SECONDS } }),
    // About as many status checks per scan as with the harness's 10 ms over a 1.5 s scan.
    waitMs: { WaitForScan: 50 },
  });
});

afterAll(async () => {
  await harness?.close();
  // The figures of the closing note (one line per pipeline).
  console.log(summaryLine('scan', totals, size));
});

interface RunPlan {
  readonly seed: number;
  readonly awsAccountId: string;
  readonly zcspmAccountId: string;
  readonly scan: 'success' | 'failed' | 'expires';
  readonly stackNames: readonly string[];
  /** The first event is delivered twice at once (EventBridge at-least-once). */
  readonly race: boolean;
}

function planRun(seed: number, slot: number): RunPlan {
  const random = new SeededRandom(seed);
  const awsAccountId = ACCOUNTS[slot] as string;
  const roll = random.next();
  return {
    seed,
    awsAccountId,
    zcspmAccountId: harness.mappings[awsAccountId] as string,
    scan: roll < 0.7 ? 'success' : roll < 0.85 ? 'failed' : 'expires',
    stackNames: Array.from({ length: random.int(1, 2) }, (_, index) => `svc-${seed}-${index}`),
    race: random.chance(0.3),
  };
}

/** Delivers like EventBridge: a failed invocation is retried (here up to 5 times). */
async function deliverWithRetries(event: unknown): Promise<DeliveryOutcome | Error> {
  let last: Error = new Error('not delivered');
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      return await harness.deliver(event);
    } catch (caught) {
      totals.redeliveries += 1;
      last = caught as Error;
    }
  }
  return last;
}

async function startRun(plan: RunPlan): Promise<Array<DeliveryOutcome | Error>> {
  if (plan.scan === 'failed') harness.simulator.zcspm.setNextScan(plan.zcspmAccountId, { outcome: 'failed' });
  if (plan.scan === 'expires') harness.simulator.zcspm.setNextScan(plan.zcspmAccountId, { durationMs: EXPIRING_SCAN_MS });
  const events = plan.stackNames.map((stackName) =>
    stackEvent({ account: plan.awsAccountId, region: 'eu-west-1', stackName, stackUuid: randomUUID(), token: `token-${randomUUID()}` }),
  );
  if (plan.race) totals.races += 1;
  const deliveries = [...events, ...(plan.race ? [events[0]] : [])];
  return Promise.all(deliveries.map((event) => deliverWithRetries(event)));
}

/** The status a run's first scan must be notified with when the simulator's scan itself does not succeed. */
const REAL_FAILURE_STATUS = { failed: 'Failed', expires: 'TimedOut' } as const;

/** The simulator calls made for one ZCSPM account (its API calls and its account tokens). */
function callsOf(calls: readonly RecordedCall[], zcspmAccountId: string): RecordedCall[] {
  const needle = zcspmAccountId.toLowerCase();
  return calls.filter((call) => call.path.toLowerCase().includes(`/account/${needle}/`) || String(call.query.accountId ?? '').toLowerCase() === needle);
}

/** Why each task of the run's executions failed (printed with ZSA_FAULT_DETAILS=1). */
function taskErrors(executions: ReturnType<ScanPipelineHarness['executions']>): string[] {
  const names = new Set(executions.map((execution) => execution.name));
  return harness.runner.taskRuns
    .filter((run) => names.has(run.executionName) && run.error)
    .map((run) => `${run.stateName}: ${run.error?.name}: ${run.error?.message.slice(0, 200)}`);
}

/** Every broken promise of one run, each naming the seed that replays it. */
function checkRun(
  plan: RunPlan,
  deliveries: Array<DeliveryOutcome | Error>,
  outcomes: ScanOutcome[],
  executions: ReturnType<ScanPipelineHarness['executions']>,
  scansStarted: number,
  calls: readonly RecordedCall[],
): string[] {
  const problems: string[] = [];
  const replay = `seed ${plan.seed} (replay: ZSA_FAULT_SEED=${plan.seed} ZSA_FAULT_RUNS=2 ZSA_FAULT_CONCURRENCY=1)`;
  for (const delivery of deliveries) {
    if (delivery instanceof Error) problems.push(`${replay}: ScanRequest kept failing: ${delivery.message}`);
    else if (!delivery.delivered) problems.push(`${replay}: the rule did not deliver the event: ${delivery.reason}`);
    else if (!['opened', 'joined', 'duplicate', 'follow-up'].includes(delivery.result.outcome)) problems.push(`${replay}: ScanRequest answered ${JSON.stringify(delivery.result)}`);
    else totals.accepted += 1;
  }
  const running = executions.filter((execution) => execution.status === 'RUNNING');
  if (executions.length === 0) problems.push(`${replay}: no execution started for account ${plan.awsAccountId}`);
  if (running.length > 0) problems.push(`${replay}: execution(s) still running after idle: ${running.map((execution) => execution.name).join(', ')}`);
  if (outcomes.length === 0) problems.push(`${replay}: no scan outcome (result or failure) was notified`);
  for (const outcome of outcomes) {
    addTerminal(totals, outcome.status);
    totals.notifications += outcome.notifications.length;
    if (outcome.notifications.length === 0) problems.push(`${replay}: outcome ${outcome.status} of ${outcome.executionName} sent no notification`);
  }
  const covered = new Set(outcomes.flatMap((outcome) => outcome.deployments.map((deployment) => deployment.stackName)));
  const lost = plan.stackNames.filter((stackName) => !covered.has(stackName));
  if (lost.length > 0) problems.push(`${replay}: deployments in no notified scan: ${lost.join(', ')}`);
  if (scansStarted > outcomes.length) {
    totals.duplicates += scansStarted - outcomes.length;
    problems.push(`${replay}: ${scansStarted} scans started for ${outcomes.length} scan window(s) of account ${plan.awsAccountId} (task errors: ${taskErrors(executions).join('; ') || 'none'}; rescans: ${callsOf(calls, plan.zcspmAccountId).filter((call) => call.path.endsWith('/rescan')).map((call) => `${call.at % 100000} ${call.status}${call.fault ? ` ${call.fault}` : ''}`).join(', ')}; plan ${plan.scan}; states ${executions.map((execution) => execution.states.join('>')).join(' | ')})`);
  }
  if (plan.scan === 'success') {
    const succeeded = outcomes.length > 0 && outcomes.every((outcome) => outcome.status === 'Success');
    const faultKinds = faultKindsOf(callsOf(calls, plan.zcspmAccountId));
    addAbsorption(totals, { succeeded, faultKinds });
    if (!succeeded && process.env.ZSA_FAULT_DETAILS) {
      console.log(`not absorbed: ${replay}: ${outcomes.map((outcome) => outcome.status).join(',')} after {${faultKinds.join(',')}}\n  ${taskErrors(executions).join('\n  ')}`);
    }
  } else {
    // A real failure stays a failure, named as what it is.
    const expected = REAL_FAILURE_STATUS[plan.scan];
    const first = outcomes.find((outcome) => !outcome.isFollowUp);
    if (first && first.status !== expected) problems.push(`${replay}: the scan was planned to end ${expected} but was notified as ${first.status} (rescans: ${callsOf(calls, plan.zcspmAccountId).filter((call) => call.path.endsWith('/rescan') || call.path.endsWith('/status')).map((call) => `${call.at % 100000} ${call.path.slice(-8)} ${call.status}${call.fault ? ` ${call.fault}` : ''}`).join(', ')}; outcomes ${outcomes.map((o) => `${o.jobId} ${o.status} ${o.isFollowUp}`).join(', ')})`);
  }
  return problems;
}

describe('PostDeployScan fault campaign (seeded, simulator faults at 20%)', () => {
  it(`ends every accepted deployment in a notified terminal state, with no duplicate scan, over ${size.runs} seeded runs`, async () => {
    const problems: string[] = [];
    let notificationsSeen = 0;
    const seen = new Set<string>();
    let outcomesSeen = 0;

    for (let first = 0; first < size.runs; first += size.concurrency) {
      const seeds = waveSeeds(size, first);
      resetForWave(harness.simulator);
      injectWaveFaults(harness.simulator, seeds, () => harness.simulator.zcspm.revokeTokens(), totals);
      const plans = seeds.map((seed, slot) => planRun(seed, slot));

      const deliveries = await Promise.all(plans.map((plan) => startRun(plan)));
      await harness.idle();
      harness.simulator.update({ faults: { rate: 0 } });
      const outcomes = (await harness.scanOutcomes()).slice(outcomesSeen);
      outcomesSeen += outcomes.length;
      const executions = harness.executions().filter((execution) => !seen.has(execution.name));
      for (const execution of executions) seen.add(execution.name);
      const counters = harness.simulator.counters;
      const calls = [...harness.simulator.calls];

      plans.forEach((plan, index) => {
        totals.runs += 1;
        problems.push(
          ...checkRun(
            plan,
            deliveries[index] ?? [],
            outcomes.filter((outcome) => outcome.awsAccountId === plan.awsAccountId),
            executions.filter((execution) => execution.name.startsWith(plan.zcspmAccountId)),
            counters.scansStarted[plan.zcspmAccountId] ?? 0,
            calls,
          ),
        );
      });
      if (counters.rateLimited > 0) problems.push(`wave of seeds ${seeds[0]}..${seeds.at(-1)}: ${counters.rateLimited} rate-limit 429s (budget exceeded)`);
      addCounters(totals, counters);
      // Everything the wave notified or failed with must be free of secrets.
      problems.push(...waveSecretProblems({ seeds, notifications: harness.standIns.notifications.slice(notificationsSeen), executions: harness.executions() }, totals));
      notificationsSeen = harness.standIns.notifications.length;
      // A scan that outlived its timeout must end before its account is scanned again.
      if (plans.some((plan) => plan.scan === 'expires')) await delay(EXPIRING_MARGIN_SECONDS * 1_000 + 100);
    }

    expect(problems).toEqual([]);
    expect(totals.runs).toBe(size.runs);
    // Transient faults are absorbed: of the runs whose scan succeeded, at most 1% end otherwise.
    expect(absorptionRate(totals)).toBeGreaterThanOrEqual(MIN_ABSORPTION);
    if (size.runs >= 20) expect(Object.values(totals.faultsInjected).reduce((sum, count) => sum + (count ?? 0), 0)).toBeGreaterThan(0);
  }, CAMPAIGN_TIMEOUT_MS);
});
