import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { RateLimitedError } from '../../../../../lambdas/core/errors.js';
import { InMemoryDeliveryLedger } from '../../../../../lambdas/notify/delivery-ledger.js';
import { AccountSecurityHubClients } from '../../../../../lambdas/notify/channels/security-hub/clients.js';
import { buildScanFindings, type AsffFinding, type TrackedFinding } from '../../../../../lambdas/notify/channels/security-hub/findings.js';
import { SecurityHubImporter, type SecurityHubClients } from '../../../../../lambdas/notify/channels/security-hub/importer.js';
import { SecurityHubNotifier } from '../../../../../lambdas/notify/channels/security-hub/notifier.js';
import { failedAsset, failureReport, scanReport, typicalDiagnosticsReport } from '../../../../fixtures/reports/factories.js';

const securityHub = mockClient(SecurityHubClient);
const sts = mockClient(STSClient);

function tracked(index: number): TrackedFinding {
  const { fromDeployment: _from, stackName: _stack, ...asset } = failedAsset(index);
  return asset;
}

function findings(count: number, accountId = '111122223333'): AsffFinding[] {
  const failed = Array.from({ length: count }, (_, index) => tracked(index));
  return buildScanFindings({ report: scanReport({ awsAccountId: accountId }), failed, fixed: [], target: { partition: 'aws', region: 'eu-west-1' } });
}

/** Records which account each client was asked for; every client is the mocked one. */
function recordingClients(): SecurityHubClients & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    forAccount: async (accountId, region) => {
      asked.push(`${accountId}@${region}`);
      return new SecurityHubClient({ region });
    },
  };
}

const noSleep = async () => undefined;

describe('SecurityHubImporter', () => {
  beforeEach(() => {
    securityHub.reset();
    sts.reset();
  });

  describe('import', () => {
    it('sends at most 100 findings per call', async () => {
      securityHub.on(BatchImportFindingsCommand).callsFake(async (input: { Findings: unknown[] }) => ({ SuccessCount: input.Findings.length, FailedCount: 0, FailedFindings: [] }));
      const importer = new SecurityHubImporter({ clients: recordingClients(), sleep: noSleep });

      const summary = await importer.import(findings(250));

      const sizes = securityHub.commandCalls(BatchImportFindingsCommand).map((call) => call.args[0].input.Findings!.length);
      expect(sizes).toEqual([100, 100, 50]);
      expect(summary).toEqual({ imported: 250, failed: [], calls: 3 });
    });

    it('sends each account its own findings through that account\'s client', async () => {
      securityHub.on(BatchImportFindingsCommand).callsFake(async (input: { Findings: unknown[] }) => ({ SuccessCount: input.Findings.length, FailedCount: 0, FailedFindings: [] }));
      const clients = recordingClients();

      await new SecurityHubImporter({ clients, sleep: noSleep }).import([...findings(3, '111122223333'), ...findings(2, '444455556666')]);

      expect(clients.asked).toEqual(['111122223333@eu-west-1', '444455556666@eu-west-1']);
      const accounts = securityHub.commandCalls(BatchImportFindingsCommand).map((call) => [...new Set(call.args[0].input.Findings!.map((finding) => finding.AwsAccountId))]);
      expect(accounts).toEqual([['111122223333'], ['444455556666']]);
    });

    it('sends refused findings again with backoff and reports the ones still refused', async () => {
      const batch = findings(3);
      securityHub
        .on(BatchImportFindingsCommand)
        .resolvesOnce({
          SuccessCount: 1,
          FailedCount: 2,
          FailedFindings: [
            { Id: batch[1]!.Id, ErrorCode: 'InternalException', ErrorMessage: 'try again' },
            { Id: batch[2]!.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'bad field' },
          ],
        })
        .resolvesOnce({ SuccessCount: 1, FailedCount: 1, FailedFindings: [{ Id: batch[2]!.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'bad field' }] })
        .resolves({ SuccessCount: 0, FailedCount: 1, FailedFindings: [{ Id: batch[2]!.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'bad field' }] });
      const waits: number[] = [];
      const importer = new SecurityHubImporter({ clients: recordingClients(), sleep: async (ms) => void waits.push(ms), random: () => 0.5, maxAttempts: 3 });

      const summary = await importer.import(batch);

      const sent = securityHub.commandCalls(BatchImportFindingsCommand).map((call) => call.args[0].input.Findings!.map((finding) => finding.Id));
      expect(sent).toEqual([batch.map((finding) => finding.Id), [batch[1]!.Id, batch[2]!.Id], [batch[2]!.Id]]);
      expect(waits).toEqual([250, 500]);
      expect(summary.imported).toBe(2);
      expect(summary.failed).toEqual([{ Id: batch[2]!.Id, AwsAccountId: '111122223333', ErrorCode: 'InvalidInput', ErrorMessage: 'bad field' }]);
    });

    it('retries a throttled call and gives up with a retryable error when throttling lasts', async () => {
      const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
      securityHub.on(BatchImportFindingsCommand).rejectsOnce(throttled).resolves({ SuccessCount: 2, FailedCount: 0, FailedFindings: [] });

      const recovered = await new SecurityHubImporter({ clients: recordingClients(), sleep: noSleep }).import(findings(2));
      securityHub.reset();
      securityHub.on(BatchImportFindingsCommand).rejects(throttled);
      const lasting = new SecurityHubImporter({ clients: recordingClients(), sleep: noSleep, maxAttempts: 3 }).import(findings(2));

      expect(recovered).toEqual({ imported: 2, failed: [], calls: 2 });
      await expect(lasting).rejects.toBeInstanceOf(RateLimitedError);
      expect(securityHub.commandCalls(BatchImportFindingsCommand)).toHaveLength(3);
    });

    it('does not retry an access error (Security Hub not enabled) and names it', async () => {
      securityHub.on(BatchImportFindingsCommand).rejects(
        Object.assign(new Error('Account 111122223333 is not subscribed to AWS Security Hub'), { name: 'InvalidAccessException', $metadata: { httpStatusCode: 401 } }),
      );

      const attempt = new SecurityHubImporter({ clients: recordingClients(), sleep: noSleep }).import(findings(1));

      await expect(attempt).rejects.toMatchObject({ name: 'InvalidAccessException', message: expect.stringContaining('not subscribed') });
      expect(securityHub.commandCalls(BatchImportFindingsCommand)).toHaveLength(1);
    });

    it('never sends a finding above 240 KB and reports it', async () => {
      securityHub.on(BatchImportFindingsCommand).resolves({ SuccessCount: 1, FailedCount: 0, FailedFindings: [] });
      const [normal, huge] = findings(2);
      const oversized = { ...huge!, ProductFields: Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`k${i}`, 'v'.repeat(2000)])) };

      const summary = await new SecurityHubImporter({ clients: recordingClients(), sleep: noSleep }).import([normal!, oversized]);

      expect(securityHub.commandCalls(BatchImportFindingsCommand)[0]!.args[0].input.Findings!.map((finding) => finding.Id)).toEqual([normal!.Id]);
      expect(summary.failed).toEqual([expect.objectContaining({ Id: oversized.Id, ErrorCode: 'FindingTooLarge' })]);
    });
  });
});

describe('AccountSecurityHubClients', () => {
  beforeEach(() => {
    securityHub.reset();
    sts.reset();
  });

  describe('forAccount', () => {
    it('imports the central account\'s findings without assuming a role', async () => {
      const clients = new AccountSecurityHubClients({ centralAccountId: '111122223333', sts: new STSClient({ region: 'eu-west-1' }) });

      await clients.forAccount('111122223333', 'eu-west-1');

      expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    });

    it('assumes the member account\'s import role for the Region once and calls with its credentials', async () => {
      sts.on(AssumeRoleCommand).resolves({
        Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + 900_000) },
      });
      const clients = new AccountSecurityHubClients({ centralAccountId: '111122223333', sts: new STSClient({ region: 'eu-west-1' }) });

      const client = await clients.forAccount('444455556666', 'eu-west-1');
      await clients.forAccount('444455556666', 'eu-west-1');

      expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([
        { RoleArn: 'arn:aws:iam::444455556666:role/zsa-securityhub-import-eu-west-1', RoleSessionName: 'zsa-security-hub-import', DurationSeconds: 900 },
      ]);
      await expect(client.config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIAEXAMPLE', sessionToken: 'token' });
    });
  });
});

describe('SecurityHubNotifier', () => {
  beforeEach(() => securityHub.reset());

  function notifier(importer = new SecurityHubImporter({ clients: recordingClients(), sleep: noSleep })) {
    return new SecurityHubNotifier({
      importer,
      source: { findingsOf: async () => ({ failed: [tracked(0), tracked(1)], fixed: [tracked(2)] }) },
      regions: ['eu-west-1', 'us-east-1'],
      ledger: new InMemoryDeliveryLedger(),
    });
  }

  describe('notify', () => {
    it('imports the scan\'s findings into every configured Region, once per idempotency key', async () => {
      securityHub.on(BatchImportFindingsCommand).callsFake(async (input: { Findings: unknown[] }) => ({ SuccessCount: input.Findings.length, FailedCount: 0, FailedFindings: [] }));
      const channel = notifier();

      const sent = await channel.notify(scanReport(), { idempotencyKey: 'exec-1:w#scan' });
      await channel.notify(scanReport(), { idempotencyKey: 'exec-1:w#scan' });

      const calls = securityHub.commandCalls(BatchImportFindingsCommand);
      expect(calls).toHaveLength(2);
      expect(calls.map((call) => call.args[0].input.Findings![0]!.ProductArn!.split(':')[3])).toEqual(['eu-west-1', 'us-east-1']);
      expect((sent!.payload as { findings: AsffFinding[] }).findings.map((finding) => finding.Compliance.Status)).toEqual(['FAILED', 'FAILED', 'PASSED', 'FAILED', 'FAILED', 'PASSED']);
    });

    it('sends nothing for diagnostics and failures', async () => {
      const channel = notifier();

      expect(await channel.notify(typicalDiagnosticsReport(), { idempotencyKey: 'a' })).toBeNull();
      expect(await channel.notify(failureReport(), { idempotencyKey: 'b' })).toBeNull();
      expect(securityHub.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
    });

    it('fails retryably while Security Hub still refuses findings for a transient reason, and imports again on retry', async () => {
      securityHub
        .on(BatchImportFindingsCommand)
        .callsFake(async (input: { Findings: Array<{ Id: string }> }) => ({ SuccessCount: 0, FailedCount: input.Findings.length, FailedFindings: input.Findings.map((f) => ({ Id: f.Id, ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' })) }));
      const channel = notifier(new SecurityHubImporter({ clients: recordingClients(), sleep: noSleep, maxAttempts: 2 }));

      await expect(channel.notify(scanReport(), { idempotencyKey: 'exec-2#scan' })).rejects.toBeInstanceOf(RateLimitedError);
      securityHub.reset();
      securityHub.on(BatchImportFindingsCommand).callsFake(async (input: { Findings: unknown[] }) => ({ SuccessCount: input.Findings.length, FailedCount: 0, FailedFindings: [] }));
      await channel.notify(scanReport(), { idempotencyKey: 'exec-2#scan' });

      expect(securityHub.commandCalls(BatchImportFindingsCommand)).toHaveLength(2);
    });
  });
});
