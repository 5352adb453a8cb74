import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { asffProblems } from '../../../lambdas/notify/channels/security-hub/asff-schema.js';
import { runSandbox, type SandboxDocument } from '../../../local/sandbox/sandbox.js';

const fixture = (name: string) => resolve('test/fixtures/scan', name);

describe('runSandbox', () => {
  let document: SandboxDocument;
  let notAnEvent: string;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zsa-sandbox-'));
    notAnEvent = join(dir, 'hello.json');
    await writeFile(notAnEvent, JSON.stringify({ hello: 'world' }));

    document = await runSandbox({
      cfnEvents: [fixture('stack-create-complete.json'), fixture('stack-create-complete.json'), fixture('stackset-instance-succeeded.json'), fixture('stack-delete-complete.json'), notAnEvent],
      zdxAlerts: [],
      json: true,
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
    });
  });

  it('prints one scan per account with posture, delta and the notifications as sent', () => {
    const byAccount = Object.fromEntries(document.scans.map((scan) => [scan.awsAccountId, scan]));

    expect(Object.keys(byAccount).sort()).toEqual(['111122223333', '444455556666']);
    expect(byAccount['111122223333']).toMatchObject({
      region: 'us-west-1',
      status: 'Success',
      jobId: expect.any(String),
      zcspmAccountId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      deployments: [{ stackName: 'teststack', status: 'CREATE_COMPLETE', stackId: expect.stringContaining(':stack/teststack/') }],
      posture: { compliancePercent: expect.any(Number) },
      delta: { previousJobId: null },
      deploymentFailureCount: 1,
    });
    expect(byAccount['444455556666']).toMatchObject({ region: 'eu-west-1', deployments: [{ status: 'SUCCEEDED' }] });
    for (const scan of document.scans) {
      expect(scan.notifications.map((notification) => notification.channel).sort()).toEqual(['eventbridge', 'slack', 'sns']);
      expect(scan.notifications.find((notification) => notification.channel === 'slack')?.payload).toMatchObject({ text: expect.any(String), blocks: expect.any(Array) });
      expect(scan.notifications.find((notification) => notification.channel === 'sns')?.payload).toMatchObject({ Subject: expect.any(String), Message: expect.any(String) });
    }
  });

  it('lists the valid Security Hub findings each scan imports, the deployed stack\'s own one naming that stack', () => {
    for (const scan of document.scans) {
      expect(scan.securityHubFindings.length).toBeGreaterThan(0);
      for (const finding of scan.securityHubFindings) expect(asffProblems(finding)).toEqual([]);
    }
    const teststack = document.scans.find((scan) => scan.awsAccountId === '111122223333')!;
    const own = teststack.securityHubFindings.filter((finding) => finding.ProductFields?.['zsa/IntroducedByStackName'] === 'teststack');
    expect(own).toEqual([expect.objectContaining({ Resources: [expect.objectContaining({ Type: 'AwsS3Bucket', Id: 'arn:aws:s3:::teststack-logs' })] })]);
  });

  it('lists what was not scanned under ignored, with a reason', () => {
    expect(document.ignored).toEqual([
      { source: fixture('stack-create-complete.json'), reason: 'a duplicate delivery of a deployment already recorded' },
      { source: fixture('stack-delete-complete.json'), reason: "stack teststack DELETE_COMPLETE does not match the PostDeployScan rule's event pattern" },
      { source: notAnEvent, reason: expect.stringMatching(/^not an EventBridge event: missing id/) },
    ]);
    expect(document.diagnostics).toEqual([]);
  });
});
