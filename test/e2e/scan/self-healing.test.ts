import { randomUUID } from 'node:crypto';
import { SIMULATOR_CREDENTIALS } from '../../../local/simulator/index.js';
import { ScanPipelineHarness } from '../../../local/sandbox/scan-harness.js';
import { SIMULATED_CRASH_ERROR } from '../../../local/sandbox/state-machine-runner.js';
import { stackEvent, withScanTimeout } from '../../helpers/scan/fakes.js';

/** One AWS account per scenario, so scenarios never share a scan window. */
const ACCOUNTS = {
  garbled: '110000000001',
  lost: '110000000002',
  crash: '110000000003',
  revoked: '110000000004',
  rejected: '110000000005',
} as const;

let harness: ScanPipelineHarness;

beforeAll(async () => {
  harness = await ScanPipelineHarness.start({
    awsAccounts: Object.values(ACCOUNTS),
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
    // Scans last 2 s here, longer than a recovery's retry waits even on a loaded machine (a scan that
    // ended before the retried rescan would rightly start a second one); one still running after 8 s
    // has timed out.
    simulator: { zcspm: { scan: { durationMs: 2_000_000 } } },
    scanSettings: withScanTimeout(8),
  });
});

afterAll(async () => {
  await harness.close();
});

const zcspmAccount = (awsAccountId: string) => harness.mappings[awsAccountId] as string;

/** Delivers one deployment of the account and waits for its execution to end. */
async function deploy(awsAccountId: string) {
  await harness.deliver(stackEvent({ account: awsAccountId, region: 'eu-west-1', stackUuid: randomUUID(), token: `token-${randomUUID()}` }));
  await harness.idle();
  const outcomes = (await harness.scanOutcomes()).filter((outcome) => outcome.awsAccountId === awsAccountId);
  const executions = harness.executions().filter((execution) => execution.name.startsWith(zcspmAccount(awsAccountId)));
  const initiateRuns = harness.runner.taskRuns.filter((run) => run.stateName === 'InitiateScan' && executions.some((execution) => execution.name === run.executionName));
  return { outcomes, executions, initiateRuns, scansStarted: harness.simulator.counters.scansStarted[zcspmAccount(awsAccountId)] ?? 0 };
}

const rescanPath = (awsAccountId: string) => new RegExp(`/account/${zcspmAccount(awsAccountId)}/rescan$`, 'i');

describe('PostDeployScan heals itself (synthesized state machine, real handlers, simulator, DynamoDB Local)', () => {
  it('recovers the job a rescan started when its reply is garbled, instead of failing or scanning twice', async () => {
    harness.simulator.faults.inject({ kind: 'wrong-shape', path: rescanPath(ACCOUNTS.garbled), api: 'zcspm' });

    const { outcomes, scansStarted } = await deploy(ACCOUNTS.garbled);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['Success']);
    expect(scansStarted).toBe(1);
  });

  it('recovers the job when the rescan reply is garbled twice: the state machine retries InitiateScan', async () => {
    harness.simulator.faults.inject({ kind: 'malformed-json', path: rescanPath(ACCOUNTS.lost), api: 'zcspm', count: 2 });

    const { outcomes, scansStarted, initiateRuns } = await deploy(ACCOUNTS.lost);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['Success']);
    expect(scansStarted).toBe(1);
    expect(initiateRuns.map((run) => run.error?.name ?? 'ok')).toEqual(['ResponseShapeError', 'ok']);
  });

  it('ends in success with one scan when the Lambda dies after its rescan succeeded (crash after the side effect)', async () => {
    harness.simulator.faults.inject({ kind: 'crash-after-side-effect', path: rescanPath(ACCOUNTS.crash), api: 'zcspm' });

    const { outcomes, scansStarted, initiateRuns } = await deploy(ACCOUNTS.crash);

    expect(initiateRuns.map((run) => run.error?.name ?? 'ok')).toEqual([SIMULATED_CRASH_ERROR, 'ok']);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['Success']);
    expect(scansStarted).toBe(1);
  });

  it('takes a fresh token when a freshly refreshed one is revoked too (another container, a key rotation)', async () => {
    // Every token is revoked on the first status check, and again on the token request that replaces it.
    harness.simulator.faults.inject({ kind: 'token-revoked', path: /\/job\/[^/]+\/status$/, api: 'zcspm' });
    harness.simulator.faults.inject({ kind: 'token-revoked', path: /\/token$/, api: 'zcspm' });
    harness.simulator.faults.inject({ kind: 'token-revoked', path: /\/job\/[^/]+\/status$/, api: 'zcspm' });

    const { outcomes, scansStarted } = await deploy(ACCOUNTS.revoked);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['Success']);
    expect(scansStarted).toBe(1);
    expect(harness.simulator.faults.pending()).toBe(0);
  });

  it('notifies "credentials rejected" naming the ZCSPM app secret when the token endpoint refuses it, never its value', async () => {
    const rotated = 'rotated-app-secret-value';
    harness.simulator.update({ credentials: { zcspm: { applicationSecret: rotated } } });
    harness.simulator.zcspm.revokeTokens();
    try {
      const { outcomes, scansStarted } = await deploy(ACCOUNTS.rejected);

      const [outcome] = outcomes;
      expect(outcome).toMatchObject({ status: 'CredentialsRejectedError', failure: { reason: 'CredentialsRejectedError' } });
      expect(scansStarted).toBe(0);
      const sent = JSON.stringify(outcome?.notifications);
      expect(sent).toContain('credentials rejected');
      expect(sent).toContain('fix the ZCSPM app secret');
      for (const secret of [rotated, SIMULATOR_CREDENTIALS.zcspm.applicationSecret, SIMULATOR_CREDENTIALS.zcspm.subscriptionKey]) expect(sent).not.toContain(secret);
    } finally {
      harness.simulator.update({ credentials: { zcspm: { applicationSecret: SIMULATOR_CREDENTIALS.zcspm.applicationSecret } } });
    }
  });
});
