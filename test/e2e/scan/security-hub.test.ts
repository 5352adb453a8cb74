import { randomUUID } from 'node:crypto';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { asffProblems } from '../../../lambdas/notify/channels/security-hub/asff-schema.js';
import { ScanPipelineHarness, type ScanOutcome } from '../../../local/sandbox/scan-harness.js';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../../local/sandbox/state-machine-runner.js';
import { stackEvent } from '../../helpers/scan/fakes.js';

const MEMBER = '200000000001';
const FIXED_BUCKET = 'arn:aws:s3:::payments-api-exports';

let harness: ScanPipelineHarness;

beforeAll(async () => {
  harness = await ScanPipelineHarness.start({
    awsAccounts: [MEMBER, LOCAL_ACCOUNT],
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
    config: { securityHub: { enabled: true } },
  });
});

afterAll(async () => {
  await harness.close();
});

async function scanOnce(account: string): Promise<ScanOutcome> {
  const before = (await harness.scanOutcomes()).length;
  await harness.deliver(stackEvent({ account, region: 'eu-west-1', stackName: 'payments-api', stackUuid: randomUUID(), token: `token-${randomUUID()}` }));
  await harness.idle();
  const outcomes = (await harness.scanOutcomes()).slice(before);
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}

const byId = (findings: readonly AwsSecurityFinding[]) => new Map(findings.map((finding) => [finding.Id!, finding]));
const storedFor = (account: string) => [...harness.standIns.securityHubFindings.entries()].filter(([key]) => key.startsWith(`${account}|`)).map(([, finding]) => finding);

describe('Security Hub findings from the sandbox scans (synthesized state machine, real handlers, simulator, DynamoDB Local)', () => {
  let first: ScanOutcome;
  let second: ScanOutcome;

  it('imports one valid ASFF finding per failed asset of a member account, from that account through its import role', async () => {
    harness.simulator.zcspm.addFailedAssets(harness.mappings[MEMBER] as string, [{ resourceId: FIXED_BUCKET, region: 'eu-west-1' }]);

    first = await scanOnce(MEMBER);

    const findings = first.securityHubFindings;
    expect(first.report?.failedAssetCount).toBeGreaterThan(0);
    expect(findings).toHaveLength(first.report!.failedAssetCount);
    for (const finding of findings) expect(asffProblems(finding)).toEqual([]);
    expect(findings.every((finding) => finding.Compliance?.Status === 'FAILED' && finding.RecordState === 'ACTIVE')).toBe(true);
    expect(new Set(findings.map((finding) => finding.Id)).size).toBe(findings.length);
    const ids = new Set(findings.map((finding) => finding.Id));
    for (const top of first.report!.topFailures) expect(ids).toContain(`zcspm/${first.zcspmAccountId}/${top.policyId}/${top.resourceId}`);
    expect(findings.every((finding) => finding.AwsAccountId === MEMBER && finding.ProductArn === `arn:aws:securityhub:${LOCAL_REGION}:${MEMBER}:product/${MEMBER}/default`)).toBe(true);
    expect(harness.standIns.assumedRoles).toEqual([`arn:aws:iam::${MEMBER}:role/zsa-securityhub-import-${LOCAL_REGION}`]);
    expect(storedFor(MEMBER)).toHaveLength(findings.length);
  });

  it('updates the same findings on a rescan instead of adding duplicates, and archives what the rescan found fixed', async () => {
    harness.simulator.zcspm.clearFailedAssets(harness.mappings[MEMBER] as string, [FIXED_BUCKET]);

    second = await scanOnce(MEMBER);

    const before = byId(first.securityHubFindings);
    const now = second.securityHubFindings;
    for (const finding of now) expect(asffProblems(finding)).toEqual([]);
    const passed = now.filter((finding) => finding.Compliance?.Status === 'PASSED');
    const failed = now.filter((finding) => finding.Compliance?.Status === 'FAILED');
    expect(failed).toHaveLength(second.report!.failedAssetCount);
    expect(passed).toHaveLength(second.delta!.fixedCount);
    expect(passed.map((finding) => finding.Resources?.[0]?.Id)).toContain(FIXED_BUCKET);
    for (const finding of passed) {
      expect(finding).toMatchObject({ RecordState: 'ARCHIVED', CreatedAt: before.get(finding.Id!)?.CreatedAt });
      expect(before.has(finding.Id!)).toBe(true);
    }
    const unchanged = failed.filter((finding) => before.has(finding.Id!));
    expect(unchanged.length).toBe(second.delta!.unchangedFailureCount);
    for (const finding of unchanged) {
      expect(finding.CreatedAt).toBe(before.get(finding.Id!)!.CreatedAt);
      expect(Date.parse(finding.UpdatedAt!)).toBeGreaterThan(Date.parse(before.get(finding.Id!)!.UpdatedAt!));
    }
    const union = new Set([...first.securityHubFindings, ...now].map((finding) => finding.Id));
    expect(storedFor(MEMBER)).toHaveLength(union.size);
    expect(storedFor(MEMBER).filter((finding) => finding.RecordState === 'ARCHIVED')).toHaveLength(passed.length);
  });

  it('imports the central account\'s own findings directly, without assuming a role', async () => {
    const assumedBefore = harness.standIns.assumedRoles.length;

    const central = await scanOnce(LOCAL_ACCOUNT);

    expect(central.securityHubFindings.length).toBe(central.report!.failedAssetCount);
    expect(central.securityHubFindings.every((finding) => finding.AwsAccountId === LOCAL_ACCOUNT)).toBe(true);
    expect(harness.standIns.assumedRoles).toHaveLength(assumedBefore);
    expect(storedFor(LOCAL_ACCOUNT)).toHaveLength(central.securityHubFindings.length);
  });
});
