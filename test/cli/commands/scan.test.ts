import { gateVerdict } from '../../../local/cli/commands/scan.js';
import { startSimulator, type RunningSimulator } from '../../../local/simulator/index.js';
import { configWith, expectNoSecrets, removeTempDirs, runCli, simulatorEnv, writeJson } from '../helpers.js';

const PROD_AWS = '111122223333';
const EKS_CLUSTER = `arn:aws:eks:us-east-1:${PROD_AWS}:cluster/payments`;
const S3_BUCKET = `arn:aws:s3:::payments-logs-${PROD_AWS}`;

let sim: RunningSimulator;
let prod: string;
let config: string;

/** Every seeded finding is fixed by the next completed scan, so a rescan comes back clean. */
beforeEach(async () => {
  sim = await startSimulator({ config: { timeScale: 0.0001, zcspm: { scan: { fixesPerScan: 10_000, newFailuresPerScan: 0 } } } });
  prod = sim.zcspm.accounts().find((account) => account.awsAccountId === PROD_AWS)!.accountId;
  config = writeJson('zsa.json', configWith({ [PROD_AWS]: { zcspmAccountId: prod, name: 'prod' } }));
});

afterEach(async () => {
  await sim.close();
});

afterAll(removeTempDirs);

describe('zsa scan', () => {
  describe('the gate after --wait', () => {
    it('exits 0 on a clean posture, even with --fail-on amber', async () => {
      const run = await runCli(['scan', '--account', PROD_AWS, '--config', config, '--wait', '--fail-on', 'amber'], { env: simulatorEnv(sim) });

      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Account +AWS account ${PROD_AWS} → ZCSPM account "prod \\(${PROD_AWS}\\)" \\(${prod}\\)$`, 'm'));
      expect(run.stdout).toMatch(/^Posture +100\.0% compliant {3}Red 0 {3}Amber 0 {3}Green \d+ {3}Gray \d+ {3}\(\d+ policies\)$/m);
      expect(run.stdout).toContain('✔ Gate passed: no Red or Amber policy (--fail-on amber)');
      expect(run.stdout).not.toContain('Top failed policies');
      expect(run.stderr).toMatch(/^Started scan [0-9a-f-]{36} of AWS account 111122223333/);
      expect(sim.counters.scansStarted[prod]).toBe(1);
      expectNoSecrets(run);
    });

    it('exits 1 when a Red policy appears and lists it first', async () => {
      sim.zcspm.addFailedAssets(prod, [{ resourceId: EKS_CLUSTER, policyId: 'EKSEndpointNotPublic' }]);

      const run = await runCli(['scan', '--account', PROD_AWS, '--config', config, '--wait'], { env: simulatorEnv(sim) });

      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^ {2}Red {5}High {6}1\/1 {5}EKSEndpointNotPublic: EKS cluster endpoints should not be publicly accessible$/m);
      expect(run.stdout).toContain('✖ Gate failed: 1 Red policy (--fail-on red)');
      expectNoSecrets(run);
    });

    it.each([
      ['red', 0, '✔ Gate passed: no Red policy (--fail-on red)'],
      ['amber', 1, '✖ Gate failed: 0 Red policies and 1 Amber policy (--fail-on amber)'],
      ['none', 0, '✔ Gate passed: no threshold (--fail-on none)'],
    ])('with an Amber policy and --fail-on %s exits %i', async (failOn, code, verdict) => {
      sim.zcspm.addFailedAssets(prod, [{ resourceId: S3_BUCKET, policyId: 'S3BucketVersioning' }]);

      const run = await runCli(['scan', '--account', PROD_AWS, '--config', config, '--wait', '--fail-on', failOn], { env: simulatorEnv(sim) });

      expect(run.code).toBe(code);
      expect(run.stdout).toContain(verdict);
      expect(run.stdout).toMatch(/Amber +Moderate +1\/\d+ +S3BucketVersioning/);
    });

    it('prints one JSON document with --json', async () => {
      sim.zcspm.addFailedAssets(prod, [{ resourceId: EKS_CLUSTER, policyId: 'EKSEndpointNotPublic' }]);

      const run = await runCli(['scan', '--account', prod, '--wait', '--json', '--benchmark', 'CSBP'], { env: simulatorEnv(sim) });

      const result = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(run.code).toBe(1);
      expect(result).toMatchObject({
        account: { input: prod, zcspmAccountId: prod, name: `prod (${PROD_AWS})` },
        jobStatus: 'Success',
        waited: true,
        gatedScan: 'this scan',
        benchmarkId: 'CSBP',
        posture: { red: 1, amber: 0 },
        topFailedPolicies: [{ policyId: 'EKSEndpointNotPublic', compliance: 'Red', severity: 'High', failedResources: 1, totalResources: 1 }],
        gate: { failOn: 'red', crossed: true, reason: '1 Red policy (--fail-on red)' },
      });
      expectNoSecrets(run);
    });
  });

  describe('without --wait', () => {
    it('starts the scan and gates on the last completed one, saying so', async () => {
      const run = await runCli(['scan', '--account', PROD_AWS, '--config', config], { env: simulatorEnv(sim) });

      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^Scan +job [0-9a-f-]{36} started; showing the last completed scan \(.+\) \(add --wait to gate on this one\)$/m);
      expect(run.stdout).toContain('✖ Gate failed: 3 Red policies (--fail-on red)');
      expect(sim.counters.scansStarted[prod]).toBe(1);
    });
  });

  describe('scans that do not succeed', () => {
    it('exits 1 when the scan fails', async () => {
      sim.zcspm.setNextScan(prod, { outcome: 'failed' });

      const run = await runCli(['scan', '--account', PROD_AWS, '--config', config, '--wait'], { env: simulatorEnv(sim) });

      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^zsa scan: scan [0-9a-f-]{36} of AWS account 111122223333 \(prod, [0-9a-f-]{36}\) ended Failed: no new posture to gate on$/m);
      expect(run.stdout).toBe('');
    });

    it('exits 1 when the scan is still running at --timeout-minutes', async () => {
      sim.zcspm.setNextScan(prod, { outcome: 'never' });

      const run = await runCli(['scan', '--account', PROD_AWS, '--config', config, '--wait', '--timeout-minutes', '1'], { env: simulatorEnv(sim) });

      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/zsa scan: scan [0-9a-f-]{36} is still Running after 1 min; stopped waiting \(the scan goes on in ZCSPM\)/);
      expect(run.stderr).toMatch(/^ {2}Running after \d+ s$/m);
    });
  });

  describe('an AWS account the config does not map', () => {
    it('scans the license account whose name holds the id, and says so', async () => {
      const run = await runCli(['scan', '--account', PROD_AWS, '--wait', '--fail-on', 'none'], { env: simulatorEnv(sim) });

      expect(run.code).toBe(0);
      expect(run.stderr).toContain(
        `AWS account ${PROD_AWS} is not mapped in any config (no cdk.json here and no --config FILE); using the license account "prod (${PROD_AWS})" (${prod}), whose name holds it.`,
      );
      expect(run.stdout).toMatch(new RegExp(`^Account +AWS account ${PROD_AWS} → ZCSPM account "prod \\(${PROD_AWS}\\)" \\(${prod}\\)$`, 'm'));
      expect(sim.counters.scansStarted[prod]).toBe(1);
    });
  });

  describe('usage errors', () => {
    it.each([
      [['scan'], '--account is required'],
      [['scan', '--account', '12345'], '--account must be a 12-digit AWS account id or a ZCSPM account GUID (got "12345")'],
      [['scan', '--account', PROD_AWS, '--fail-on', 'green'], '--fail-on must be one of red, amber, none (got "green")'],
      [['scan', '--account', PROD_AWS, '--timeout-minutes', '0'], '--timeout-minutes must be a whole number from 1 to 1440 (got "0")'],
      [['scan', '--account', PROD_AWS, '--benchmark', 'CS BP'], '--benchmark must be a benchmark id like CSBP (got "CS BP")'],
      [['scan', '--account', '999988887777'], 'AWS account 999988887777 is not mapped in any config (no cdk.json here and no --config FILE), and no single license account name holds it'],
    ])('exits 2 for %j', async (argv, message) => {
      const run = await runCli(argv, { env: simulatorEnv(sim) });

      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`zsa scan: ${message}`);
      expect(sim.counters.scansStarted[prod]).toBeUndefined();
    });
  });
});

describe('gateVerdict', () => {
  const posture = (red: number, amber: number) => ({ total: 10, green: 10 - red - amber, red, amber, gray: 0, compliancePercent: 50 });

  it('crosses red only on a Red policy and amber on either', () => {
    expect(gateVerdict(posture(0, 2), 'red').crossed).toBe(false);
    expect(gateVerdict(posture(1, 0), 'red').crossed).toBe(true);
    expect(gateVerdict(posture(0, 2), 'amber').crossed).toBe(true);
    expect(gateVerdict(posture(0, 0), 'amber').crossed).toBe(false);
    expect(gateVerdict(posture(5, 5), 'none').crossed).toBe(false);
  });
});
