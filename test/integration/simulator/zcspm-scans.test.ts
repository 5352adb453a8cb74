import { startSimulator, type RunningSimulator } from '#simulator/index.js';
import { call, LICENSE, prodAccountId, SUBSCRIPTION, zcspmGet, zcspmToken } from './simulator-http.js';
import { manualClock } from '../../helpers/clock.js';

type Json = any;

describe('Simulator ZCSPM scans and reports', () => {
  const clock = manualClock();
  let sim: RunningSimulator;
  let accountId: string;
  let token: string;
  const base = () => `/license/${LICENSE}/account/${accountId}`;
  const rescan = async (): Promise<string> => (await zcspmGet(sim, `/compliance${base()}/rescan`, token)).json.result.jobId;
  const status = async (jobId: string): Promise<string> => (await zcspmGet(sim, `/compliance${base()}/job/${jobId}/status`, token)).json.result.jobStatus;
  const summary = async (query = ''): Promise<Json> => (await zcspmGet(sim, `/audit${base()}/benchmark/CSBP/summary${query}`, token)).json.result;
  const failedIds = async (jobId: string): Promise<string[]> => {
    const result = await zcspmGet(sim, `/audit${base()}/failedassets?benchmarkId=CSBP&jobId=${jobId}`, token);
    return result.json.result.failedPolicyAssetsLists.map((a: Json) => `${a.policyId}|${a.resourceId}`);
  };

  beforeEach(async () => {
    sim = await startSimulator({ clock, seed: 11, config: { zcspm: { scan: { durationMs: 100_000 }, tokenLifetimeSeconds: 86_400 } } });
    accountId = prodAccountId(sim);
    token = await zcspmToken(sim, accountId);
  });
  afterEach(async () => {
    await sim.close();
  });

  describe('rescan and job status', () => {
    it('moves New -> Pending -> Running -> Success over the configured duration', async () => {
      const jobId = await rescan();

      const seen = [await status(jobId)];
      for (const step of [15_000, 10_000, 50_000, 25_000]) {
        clock.advance(step);
        seen.push(await status(jobId));
      }

      expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
      expect(seen).toEqual(['New', 'Pending', 'Running', 'Running', 'Success']);
      expect(sim.counters.scansStarted[accountId]).toBe(1);
    });

    it('returns the running job id when a scan is requested while one runs', async () => {
      const first = await rescan();

      const second = await rescan();
      clock.advance(100_000);
      const third = await rescan();

      expect(second).toBe(first);
      expect(third).not.toBe(first);
      expect(sim.counters.scansStarted[accountId]).toBe(2);
    });

    it('answers 409 for a rescan while running when configured to', async () => {
      sim.update({ zcspm: { scan: { rescanWhileRunning: 'conflict' } } });
      await rescan();

      const result = await zcspmGet(sim, `/compliance${base()}/rescan`, token);

      expect(result.status).toBe(409);
    });

    it('ends Failed, Completed (legacy) or never per the next-scan override', async () => {
      sim.zcspm.setNextScan(accountId, { outcome: 'failed' });
      const failed = await rescan();
      clock.advance(100_000);
      sim.zcspm.setNextScan(accountId, { legacyCompleted: true, durationMs: 10 });
      const legacy = await rescan();
      clock.advance(10);
      sim.zcspm.setNextScan(accountId, { outcome: 'never' });
      const never = await rescan();
      clock.advance(10_000_000);

      expect([await status(failed), await status(legacy), await status(never)]).toEqual(['Failed', 'Completed', 'Running']);
    });

    it('answers 404 for an unknown job', async () => {
      const result = await zcspmGet(sim, `/compliance${base()}/job/00000000-0000-4000-8000-00000000dead/status`, token);

      expect(result.status).toBe(404);
    });
  });

  describe('audit summary', () => {
    it('computes colours and percentages by the documented rules', async () => {
      const report = await summary();

      const policies = report.resourceCategories.flatMap((c: Json) => c.policies);
      for (const p of policies) {
        const expected = p.totalResourceCount === 0 ? 'Gray' : p.passedResourceCount === p.totalResourceCount ? 'Green' : p.passedResourceCount === 0 ? 'Red' : 'Amber';
        expect(p.compliance).toBe(expected);
      }
      const count = (colour: string) => policies.filter((p: Json) => p.compliance === colour).length;
      const { posture } = report;
      expect(posture).toMatchObject({ total: policies.length, green: count('Green'), red: count('Red'), amber: count('Amber'), gray: count('Gray') });
      expect(posture.gray).toBeGreaterThan(0);
      expect(posture.compliancePercent).toBeCloseTo((posture.green / (posture.green + posture.red + posture.amber)) * 100, 4);
      expect(report).toMatchObject({ benchmarkId: 'CSBP', accountId, awsAccountId: '111122223333', connectorType: 'AWS' });
    });

    it('serves the same report through the job path form and the jobId query form', async () => {
      const jobId = await rescan();
      clock.advance(100_000);

      const byQuery = await summary(`?jobId=${jobId}`);
      const byPath = (await zcspmGet(sim, `/audit${base()}/job/${jobId}/benchmark/CSBP/summary`, token)).json.result;
      const latest = await summary();

      expect(byPath).toEqual(byQuery);
      expect(latest.jobId).toBe(jobId);
    });

    it('answers 409 for the report of a job still running and 404 for an unsupported benchmark', async () => {
      const jobId = await rescan();

      const running = await zcspmGet(sim, `/audit${base()}/benchmark/CSBP/summary?jobId=${jobId}`, token);
      const unknown = await zcspmGet(sim, `/audit${base()}/benchmark/AZFDCIS1_0_0/summary`, token);

      expect(running.status).toBe(409);
      expect(unknown.status).toBe(404);
    });

    it('lists CSBP and PCI3_2 among the supported benchmarks', async () => {
      const result = await zcspmGet(sim, `/audit${base()}/benchmarks`, token);

      expect(result.json.result).toEqual(expect.arrayContaining([
        { name: 'Cloud Security Best Practices', benchmarkId: 'CSBP' },
        { name: 'PCI DSS 3.2', benchmarkId: 'PCI3_2' },
      ]));
    });
  });

  describe('failed assets', () => {
    it('pages from pageNumber 1 with the total in failedAssetCount', async () => {
      const path = `/audit${base()}/failedassets?benchmarkId=CSBP&pageSize=5`;

      const first = (await zcspmGet(sim, `${path}&pageNumber=1`, token)).json.result;
      const pages = Math.ceil(first.failedAssetCount / 5);
      const all: Json[] = [];
      for (let page = 1; page <= pages + 1; page += 1) all.push(...(await zcspmGet(sim, `${path}&pageNumber=${page}`, token)).json.result.failedPolicyAssetsLists);

      expect(first).toMatchObject({ benchMarkId: 'CSBP', accountId, connectorType: 'AWS' });
      expect(first.failedPolicyAssetsLists).toHaveLength(5);
      expect(all).toHaveLength(first.failedAssetCount);
      expect(new Set(all.map((a) => `${a.policyId}|${a.resourceId}`)).size).toBe(all.length);
      expect(all[0]).toEqual(expect.objectContaining({ resourceId: expect.stringMatching(/^arn:aws:/), resourceType: expect.stringMatching(/^AWS::/), shortTitle: expect.any(String), impact: expect.any(String) }));
    });

    it('shows a delta between two scans: some findings fixed and some new', async () => {
      const first = await rescan();
      clock.advance(100_000);
      const second = await rescan();
      clock.advance(100_000);

      const before = new Set(await failedIds(first));
      const after = new Set(await failedIds(second));

      expect([...after].filter((id) => !before.has(id)).length).toBeGreaterThan(0);
      expect([...before].filter((id) => !after.has(id)).length).toBeGreaterThan(0);
    });

    it('includes assets added through the control API in scans that complete afterwards', async () => {
      const arn = 'arn:aws:s3:::my-deployment-bucket';
      const before = await rescan();
      clock.advance(100_000);
      sim.zcspm.addFailedAssets(accountId, [{ resourceId: arn, policyId: 'S3BucketEncryption' }, { resourceId: 'my-custom-thing' }]);
      const after = await rescan();
      clock.advance(100_000);

      const beforeIds = await failedIds(before);
      const afterIds = await failedIds(after);

      expect(beforeIds).not.toContain(`S3BucketEncryption|${arn}`);
      expect(afterIds).toEqual(expect.arrayContaining([`S3BucketEncryption|${arn}`, 'ResourceOwnerTag|my-custom-thing']));
    });

    it('drifts the same way for the same seed', async () => {
      const twin = await startSimulator({ clock, seed: 11, config: { zcspm: { scan: { durationMs: 100_000 } } } });
      const twinToken = await zcspmToken(twin, accountId);
      const twinRescan = async () => (await zcspmGet(twin, `/compliance${base()}/rescan`, twinToken)).json.result.jobId;

      const ours = await rescan();
      const theirs = await twinRescan();
      clock.advance(100_000);
      const twinAssets = (await zcspmGet(twin, `/audit${base()}/failedassets?benchmarkId=CSBP&jobId=${theirs}`, twinToken)).json.result.failedPolicyAssetsLists;
      await twin.close();

      expect(theirs).toBe(ours);
      expect(twinAssets.map((a: Json) => `${a.policyId}|${a.resourceId}`)).toEqual(await failedIds(ours));
    });

    it('answers 400 without benchmarkId', async () => {
      const result = await zcspmGet(sim, `/audit${base()}/failedassets`, token);

      expect(result.status).toBe(400);
      expect(result.json.message).toMatch(/benchmarkId/);
    });
  });

  describe('license accounts and onboarding', () => {
    it('lists at least two AWS accounts whose names carry the AWS account number', async () => {
      const result = await zcspmGet(sim, `/onboarding/license/${LICENSE}/licenseAccounts`, await zcspmToken(sim));

      const aws = result.json.result.accounts.filter((a: Json) => a.connectorType === 'AWS');
      expect(aws.length).toBeGreaterThanOrEqual(2);
      expect(aws.map((a: Json) => a.accountName)).toEqual(expect.arrayContaining(['prod (111122223333)', 'staging (444455556666)']));
      expect(result.json.result.apis).toContain('Account.Audit');
    });

    it('onboards an AWS account, puts it in scope and scans it', async () => {
      const licenseToken = await zcspmToken(sim);

      const onboard = await call(sim, 'POST', `/onboarding/license/${LICENSE}/account/aws`, { headers: SUBSCRIPTION, token: licenseToken, body: { AccountName: 'dev (777788889999)', AWSAccountId: '777788889999', AWSRoleName: 'ZscalerReadOnly' } });
      const { accountId: newId, jobId } = onboard.json.result;
      const outOfScope = await call(sim, 'POST', `/authorize/license/${LICENSE}/token?accountId=${newId}`, { headers: SUBSCRIPTION, body: { APIApplicationId: 'sandbox-app-id', Secret: 'sandbox-app-secret' } });
      const scope = await call(sim, 'PUT', `/onboarding/license/${LICENSE}/config`, { headers: SUBSCRIPTION, token: licenseToken, body: { accountId: newId } });
      const accountToken = await zcspmToken(sim, newId);
      clock.advance(100_000);
      const jobStatus = await zcspmGet(sim, `/compliance/license/${LICENSE}/account/${newId}/job/${jobId}/status`, accountToken);
      const duplicate = await call(sim, 'POST', `/onboarding/license/${LICENSE}/account/aws`, { headers: SUBSCRIPTION, token: licenseToken, body: { AccountName: 'again', AWSAccountId: '777788889999', AWSRoleName: 'r' } });

      expect(onboard.status).toBe(200);
      expect(outOfScope.status).toBe(403);
      expect(scope.json).toEqual({ result: 'Account Added', statusCode: 200, message: 'Request Successful' });
      expect(jobStatus.json.result.jobStatus).toBe('Success');
      expect(duplicate.status).toBe(409);
    });

    it('answers 400 naming the field for a malformed onboarding body', async () => {
      const result = await call(sim, 'POST', `/onboarding/license/${LICENSE}/account/aws`, { headers: SUBSCRIPTION, token: await zcspmToken(sim), body: { AccountName: 'x', AWSAccountId: '12', AWSRoleName: 'r' } });

      expect(result.status).toBe(400);
      expect(result.json.message).toMatch(/AWSAccountId: must be a 12-digit AWS account number/);
    });

    it('creates a deterministic in-scope account for an unknown AWS account (sandbox helper)', async () => {
      const id = sim.ensureAwsAccount('123456789012');

      const again = sim.ensureAwsAccount('123456789012');
      const result = await zcspmGet(sim, `/audit/license/${LICENSE}/account/${id}/healthstatus`, await zcspmToken(sim, id));

      expect(again).toBe(id);
      expect(result.status).toBe(200);
      expect(result.json.result.lastScannedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });
  });
});
