import { HttpClient } from '../../../lambdas/core/http/http-client.js';
import { ZcspmClient, fetchZcspmToken, type TokenScope } from '../../../lambdas/zscaler/zcspm/client.js';
import type { JobStatus } from '../../../lambdas/zscaler/zcspm/schemas.js';
import { SIMULATOR_CREDENTIALS, startSimulator, type RunningSimulator } from '../../../local/simulator/index.js';
import { MemoryTokenSource, collect, eventually } from './helpers.js';

const CREDENTIALS = SIMULATOR_CREDENTIALS.zcspm;

/** Contract of the ZCSPM client against the simulator over real HTTP, one test per endpoint. */
describe('ZcspmClient (contract, simulator)', () => {
  let sim: RunningSimulator;
  let http: HttpClient;
  let sources: Map<string, MemoryTokenSource>;
  let zcspm: ZcspmClient;
  let prodAccountId: string;

  const tokenSource = (scope: TokenScope): MemoryTokenSource => {
    const key = scope.accountId ?? 'license';
    let source = sources.get(key);
    if (!source) {
      source = new MemoryTokenSource((signal) => fetchZcspmToken(http, { ...CREDENTIALS, accountId: scope.accountId }, { lifetimeSeconds: 3600, signal }));
      sources.set(key, source);
    }
    return source;
  };

  async function untilTerminal(accountId: string, jobId: string): Promise<JobStatus> {
    return eventually(async () => {
      const status = await zcspm.jobStatus(accountId, jobId);
      return status.terminal ? status : undefined;
    });
  }

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, config: { timeScale: 0.0005 } });
    http = new HttpClient({ baseUrl: sim.url, timeoutMs: 5_000 });
    sources = new Map();
    zcspm = new ZcspmClient({ http, licenseId: CREDENTIALS.licenseId, subscriptionKey: CREDENTIALS.subscriptionKey, tokens: tokenSource });
    prodAccountId = sim.ensureAwsAccount('111122223333');
  });

  afterAll(async () => {
    await sim.close();
  });

  describe('fetchZcspmToken', () => {
    it('gets a license token and an account token, taking the expiry from the JWT exp over the configured lifetime', async () => {
      const before = Date.now();

      const license = await fetchZcspmToken(http, CREDENTIALS, { lifetimeSeconds: 1800 });
      const account = await fetchZcspmToken(http, { ...CREDENTIALS, accountId: prodAccountId }, { lifetimeSeconds: 1800 });

      expect(license.token).not.toBe(account.token);
      expect(account.expiresAt).toBeGreaterThanOrEqual(before - 1_000 + 3_600_000);
      expect(account.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
      expect(sim.counters.tokensIssued).toMatchObject({ 'zcspm:license': expect.any(Number), [`zcspm:account:${prodAccountId}`]: expect.any(Number) });
    });
  });

  describe('licenseAccounts', () => {
    it('lists the license accounts with the license token', async () => {
      const accounts = await zcspm.licenseAccounts();

      expect(accounts.licenseId).toBe(CREDENTIALS.licenseId);
      expect(accounts.accounts.filter((account) => account.connectorType === 'AWS').length).toBeGreaterThanOrEqual(2);
      expect(accounts.accounts.map((account) => account.accountId)).toContain(prodAccountId);
    });
  });

  describe('rescan and jobStatus', () => {
    it('starts a scan with GET and polls it until Success', async () => {
      const { jobId } = await zcspm.rescan(prodAccountId);
      const status = await untilTerminal(prodAccountId, jobId);

      expect(status).toEqual({ jobStatus: 'Success', succeeded: true, failed: false, terminal: true });
      expect(sim.calls.find((call) => call.path.endsWith('/rescan'))?.method).toBe('GET');
    });

    it('reads the legacy Completed as success and Failed as failure', async () => {
      sim.zcspm.setNextScan(prodAccountId, { legacyCompleted: true });
      const legacy = await untilTerminal(prodAccountId, (await zcspm.rescan(prodAccountId)).jobId);
      sim.zcspm.setNextScan(prodAccountId, { outcome: 'failed' });
      const failed = await untilTerminal(prodAccountId, (await zcspm.rescan(prodAccountId)).jobId);

      expect(legacy).toEqual({ jobStatus: 'Completed', succeeded: true, failed: false, terminal: true });
      expect(failed).toEqual({ jobStatus: 'Failed', succeeded: false, failed: true, terminal: true });
    });
  });

  describe('supportedBenchmarks', () => {
    it('lists the benchmarks of the account', async () => {
      const benchmarks = await zcspm.supportedBenchmarks(prodAccountId);

      expect(benchmarks.map((benchmark) => benchmark.benchmarkId)).toEqual(expect.arrayContaining(['CSBP', 'PCI3_2']));
    });
  });

  describe('auditSummary', () => {
    it('summarizes the latest successful scan and a given job, with consistent postures', async () => {
      const { jobId } = await zcspm.rescan(prodAccountId);
      await untilTerminal(prodAccountId, jobId);

      const latest = await zcspm.auditSummary(prodAccountId, 'CSBP');
      const forJob = await zcspm.auditSummary(prodAccountId, 'CSBP', { jobId });

      const summaryCall = sim.calls.filter((call) => call.path.endsWith('/benchmark/CSBP/summary')).at(-1);
      expect(summaryCall?.query).toEqual({ jobId });
      expect(forJob.jobId).toBe(jobId);
      expect(latest.posture.total).toBeGreaterThan(0);
      for (const summary of [latest, forJob]) {
        const policies = summary.categories.flatMap((category) => category.policies);
        expect(summary.posture.total).toBe(policies.length);
        expect(summary.posture.red).toBe(policies.filter((policy) => policy.compliance === 'Red').length);
        expect(summary.categories.reduce((sum, category) => sum + category.posture.green, 0)).toBe(summary.posture.green);
      }
    });
  });

  describe('failedAssets', () => {
    it('reads every failed asset page by page', async () => {
      const firstPage = await zcspm.failedAssetsPage(prodAccountId, { benchmarkId: 'CSBP', pageNumber: 1, pageSize: 5 });
      sim.resetCalls();

      const assets = await collect(zcspm.failedAssets(prodAccountId, { benchmarkId: 'CSBP', pageSize: 5 }));

      expect(firstPage.failedAssetCount).toBeGreaterThan(5);
      expect(assets).toHaveLength(firstPage.failedAssetCount);
      expect(assets[0]).toMatchObject({ resourceId: expect.any(String), policyId: expect.any(String) });
      expect(sim.calls.map((call) => call.query.pageNumber)).toEqual(
        Array.from({ length: Math.ceil(firstPage.failedAssetCount / 5) }, (_, index) => String(index + 1)),
      );
    });
  });

  describe('healthStatus', () => {
    it('reads the prerequisites and the scan quota', async () => {
      const health = await zcspm.healthStatus(prodAccountId);

      expect(health.prerequisites.length).toBeGreaterThan(0);
      expect(health.accountScanQuotaDetails?.consumedQuota).toBeGreaterThan(0);
    });
  });

  describe('onboardAws and updateAccessScope', () => {
    it('onboards a new AWS account, adds it to the API scope and then scans it with an account token', async () => {
      const onboarded = await zcspm.onboardAws({ accountName: 'contract', awsAccountId: '999988887777', roleName: 'ZscalerCspmRole' });
      const scope = await zcspm.updateAccessScope(onboarded.accountId);
      const status = await untilTerminal(onboarded.accountId, onboarded.jobId);

      expect(scope).toBe('Account Added');
      expect(status.succeeded).toBe(true);
      expect(sources.get('license')?.fetches).toBe(1);
      expect(sources.get(onboarded.accountId)?.fetches).toBe(1);
    });
  });
});
