/**
 * ZCSPM endpoints (zcspm-api.md §5) with their two credentials: the APIM subscription key on
 * every call, and a bearer token whose scope (license or one account) must fit the endpoint.
 * Responses use the `{ result, statusCode, message }` envelope.
 */
import * as z from 'zod';
import type { SimulatorContext } from '../context.js';
import { BENCHMARK_BY_ID, BENCHMARKS } from '../data/zcspm-catalog.js';
import { accountGuid } from '../data/zcspm-seed.js';
import { HttpFailure, intQuery, parseBody, zcspmError, zcspmOk, type SimRequest, type SimResponse } from '../http.js';
import { mintJwt } from '../jwt.js';
import { bump } from '../recorder.js';
import type { Router } from '../router.js';
import { TOKEN_REJECTION_MESSAGES, type TokenScope } from '../tokens.js';
import { auditSummary, failedAssets } from './report.js';
import type { CloudAccount, ScanJob, ScanSnapshot, ZcspmState } from './state.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The APIM gateway bodies for a missing or wrong subscription key (zcspm-api.md §4). */
export const APIM_MISSING_KEY = {
  statusCode: 401,
  message: 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
};
export const APIM_INVALID_KEY = {
  statusCode: 401,
  message: 'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
};

/** API permissions of the sandbox API application (License Accounts `apis`). */
const GRANTED_APIS = ['Account.Audit', 'Account.Health', 'Account.Rescan', 'Account.GetJobstatus', 'License.AddAccount', 'License.UpdateAPIAccess', 'License.GetAPIAccess'];

const TokenBodySchema = z.object({
  APIApplicationId: z.string({ error: 'is required (string)' }).min(1, 'must not be empty'),
  Secret: z.string({ error: 'is required (string)' }).min(1, 'must not be empty'),
});
const AccessScopeSchema = z.object({ accountId: z.string({ error: 'is required (string)' }).regex(GUID, 'must be a GUID') });
const OnboardAwsSchema = z.object({
  AccountName: z.string({ error: 'is required (string)' }).min(1, 'must not be empty').max(256),
  AWSAccountId: z.string({ error: 'is required (string)' }).regex(/^\d{12}$/, 'must be a 12-digit AWS account number'),
  AWSRoleName: z.string({ error: 'is required (string)' }).min(1, 'must not be empty').max(64),
});

/** Registers every ZCSPM endpoint. */
export function registerZcspmRoutes(router: Router, ctx: SimulatorContext, state: ZcspmState): void {
  const credentials = () => ctx.config.credentials.zcspm;

  const checkSubscriptionKey = (request: SimRequest) => {
    const key = request.headers['ocp-apim-subscription-key'];
    if (key === undefined || key === '') throw new HttpFailure(401, APIM_MISSING_KEY);
    if (key !== credentials().subscriptionKey) throw new HttpFailure(401, APIM_INVALID_KEY);
  };
  const checkLicense = (request: SimRequest) => {
    const licenseId = request.params.licenseId ?? '';
    if (licenseId.toLowerCase() !== credentials().licenseId.toLowerCase()) throw zcspmError(404, `License ${licenseId} not found`);
  };
  const bearer = (request: SimRequest): TokenScope => {
    const check = ctx.tokens.check(request.headers.authorization, 'zcspm', request.now);
    if (!check.ok) throw zcspmError(401, TOKEN_REJECTION_MESSAGES[check.reason]);
    return check.scope;
  };

  /** License-level API: subscription key, license, license token. */
  const licenseRoute = (method: string, pattern: string, handler: (request: SimRequest) => SimResponse) =>
    router.add('zcspm', method, pattern, (request) => {
      checkSubscriptionKey(request);
      checkLicense(request);
      if (bearer(request).kind !== 'license') throw zcspmError(403, 'This API requires a license token; the token presented is an account token');
      return handler(request);
    });

  /** Account-level API: subscription key, license, an account token for this account. */
  const accountRoute = (pattern: string, handler: (request: SimRequest, account: CloudAccount) => SimResponse) =>
    router.add('zcspm', 'GET', pattern, (request) => {
      checkSubscriptionKey(request);
      checkLicense(request);
      const scope = bearer(request);
      const accountId = (request.params.accountId ?? '').toLowerCase();
      if (scope.kind !== 'account') throw zcspmError(403, 'This API requires an account token; the token presented is a license token');
      if (scope.accountId !== accountId) throw zcspmError(403, `The account token is not valid for account ${accountId}`);
      const account = state.accounts.get(accountId);
      if (!account) throw zcspmError(404, `Account ${accountId} not found`);
      state.settle(account, request.now);
      return handler(request, account);
    });

  router.add('zcspm', 'POST', '/authorize/license/:licenseId/token', (request) => {
    const accountParam = request.query.get('accountId');
    bump(ctx.counters.tokenRequests, accountParam ? `zcspm:account:${accountParam.toLowerCase()}` : 'zcspm:license');
    checkSubscriptionKey(request);
    checkLicense(request);
    const body = parseBody('zcspm', TokenBodySchema, request.body, 'token request');
    const creds = credentials();
    if (body.APIApplicationId !== creds.applicationId || body.Secret !== creds.applicationSecret) {
      throw zcspmError(401, 'Invalid API application id or secret');
    }
    let scope: TokenScope = { kind: 'license', licenseId: creds.licenseId };
    if (accountParam !== null) {
      if (!GUID.test(accountParam)) throw zcspmError(400, `Query parameter "accountId" must be a GUID (got "${accountParam}")`);
      const account = state.accounts.get(accountParam.toLowerCase());
      if (!account?.inApiScope) throw zcspmError(403, `Account ${accountParam} is not in the API application's access scope`);
      scope = { kind: 'account', licenseId: creds.licenseId, accountId: account.accountId };
    }
    const lifetime = ctx.config.zcspm.tokenLifetimeSeconds;
    const iat = Math.floor(request.now / 1000);
    const token = mintJwt({
      sub: creds.applicationId,
      iss: 'zcspm-simulator',
      licenseId: creds.licenseId,
      ...(scope.kind === 'account' ? { accountId: scope.accountId } : {}),
      iat,
      exp: iat + Math.ceil(lifetime),
    });
    ctx.tokens.register(token, 'zcspm', scope, request.now + lifetime * 1000);
    bump(ctx.counters.tokensIssued, scope.kind === 'account' ? `zcspm:account:${scope.accountId}` : 'zcspm:license');
    return zcspmOk({ token });
  });

  const base = '/license/:licenseId/account/:accountId';

  accountRoute(`/compliance${base}/rescan`, (request, account) => {
    const running = account.jobs.find((j) => state.isRunning(j, request.now));
    if (running) {
      const mode = ctx.config.zcspm.scan.rescanWhileRunning;
      if (mode === 'return-running') return zcspmOk({ jobId: running.jobId });
      if (mode === 'conflict') throw zcspmError(409, `A scan is already in progress for account ${account.accountId} (job ${running.jobId})`);
    }
    return zcspmOk({ jobId: state.startScan(account, request.now).jobId });
  });

  const jobOf = (account: CloudAccount, jobId: string): ScanJob => {
    const job = account.jobs.find((j) => j.jobId === jobId.toLowerCase());
    if (!job) throw zcspmError(404, `Job ${jobId} not found for account ${account.accountId}`);
    return job;
  };

  accountRoute(`/compliance${base}/job/:jobId/status`, (request, account) =>
    zcspmOk({ jobStatus: state.jobStatus(jobOf(account, request.params.jobId ?? ''), request.now) }),
  );

  const benchmarkOf = (account: CloudAccount, benchmarkId: string) => {
    const benchmark = BENCHMARK_BY_ID.get(benchmarkId.toLowerCase());
    if (!benchmark || !benchmark.connectorTypes.includes(account.connectorType)) {
      throw zcspmError(404, `Benchmark ${benchmarkId} is not supported for account ${account.accountId}`);
    }
    return benchmark;
  };

  const reportJob = (request: SimRequest, account: CloudAccount, jobId: string | undefined): ScanJob & { snapshot: ScanSnapshot } => {
    if (jobId === undefined || jobId === '') {
      const last = state.lastSuccessful(account);
      if (!last?.snapshot) throw zcspmError(404, `Account ${account.accountId} has no successful scan yet`);
      return last as ScanJob & { snapshot: ScanSnapshot };
    }
    const job = jobOf(account, jobId);
    if (!job.snapshot) throw zcspmError(409, `Scan job ${job.jobId} has status ${state.jobStatus(job, request.now)}; a report exists only for a successful scan`);
    return job as ScanJob & { snapshot: ScanSnapshot };
  };

  const summary = (request: SimRequest, account: CloudAccount, jobId: string | undefined) => {
    const benchmark = benchmarkOf(account, request.params.benchmarkId ?? '');
    return zcspmOk(auditSummary(credentials().licenseId, account, benchmark, reportJob(request, account, jobId)));
  };
  accountRoute(`/audit${base}/job/:jobId/benchmark/:benchmarkId/summary`, (request, account) => summary(request, account, request.params.jobId));
  accountRoute(`/audit${base}/benchmark/:benchmarkId/summary`, (request, account) => summary(request, account, request.query.get('jobId') ?? undefined));

  accountRoute(`/audit${base}/benchmarks`, (_request, account) =>
    zcspmOk(BENCHMARKS.filter((b) => b.connectorTypes.includes(account.connectorType)).map((b) => ({ name: b.name, benchmarkId: b.benchmarkId }))),
  );

  accountRoute(`/audit${base}/healthstatus`, (request, account) => {
    const last = state.lastSuccessful(account);
    const dayAgo = request.now - 24 * 3600_000;
    return zcspmOk({
      prerequisites: [
        { name: 'Cross-account IAM role', isHealthy: 'complete', description: `ZCSPM can assume ${account.roleName ?? 'the onboarding role'} with the license id as external id`, noOfPolicies: 'All', required: true, category: 'Permissions', referLink: '' },
        { name: 'SecurityAudit managed policy', isHealthy: 'complete', description: 'The role has the AWS managed SecurityAudit policy attached', noOfPolicies: 'All', required: true, category: 'Permissions', referLink: '' },
        { name: 'AWS Config recorder', isHealthy: 'incomplete', description: 'AWS Config is not recording in every region', noOfPolicies: '11', required: false, category: 'Pre-Requisites - Advanced Security Configurations', referLink: 'https://docs.aws.amazon.com/config/latest/developerguide/gs-console.html' },
        { name: 'EKS cluster access', isHealthy: 'Undetermined', description: 'No EKS clusters found', noOfPolicies: 'NA', required: false, category: 'Pre-Requisites - Kubernetes Baseline', referLink: '' },
      ],
      lastScannedTime: last?.snapshot ? new Date(last.snapshot.completedAt).toISOString().replace(/\.\d{3}Z$/, 'Z') : null,
      accountScanQuotaDetails: { allocatedQuota: 20, consumedQuota: account.jobs.filter((j) => j.createdAt >= dayAgo).length },
    });
  });

  accountRoute(`/audit${base}/failedassets`, (request, account) => {
    const benchmarkId = request.query.get('benchmarkId');
    if (!benchmarkId) throw zcspmError(400, 'Query parameter "benchmarkId" is required');
    const benchmark = benchmarkOf(account, benchmarkId);
    const pageNumber = intQuery(request, 'pageNumber', { min: 1 }) ?? 1;
    const pageSize = intQuery(request, 'pageSize', { min: 1, max: 5000 }) ?? ctx.config.zcspm.defaultFailedAssetsPageSize;
    const job = reportJob(request, account, request.query.get('jobId') ?? undefined);
    const all = failedAssets(benchmark, job.snapshot);
    return zcspmOk({
      accountId: account.accountId,
      accountName: account.accountName,
      connectorType: account.connectorType,
      benchMarkId: benchmark.benchmarkId,
      benchMarkName: benchmark.name,
      failedAssetCount: all.length,
      failedPolicyAssetsLists: all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize),
    });
  });

  licenseRoute('GET', '/onboarding/license/:licenseId/licenseAccounts', () =>
    zcspmOk({
      licenseId: credentials().licenseId,
      accounts: [...state.accounts.values()].map((a) => ({ accountId: a.accountId, accountName: a.accountName, isInApiScope: a.inApiScope, connectorType: a.connectorType })),
      apis: GRANTED_APIS,
    }),
  );

  licenseRoute('PUT', '/onboarding/license/:licenseId/config', (request) => {
    const body = parseBody('zcspm', AccessScopeSchema, request.body, 'access scope request');
    const account = state.accounts.get(body.accountId.toLowerCase());
    if (!account) throw zcspmError(404, `Account ${body.accountId} not found`);
    account.inApiScope = true;
    return zcspmOk('Account Added');
  });

  licenseRoute('POST', '/onboarding/license/:licenseId/account/aws', (request) => {
    const body = parseBody('zcspm', OnboardAwsSchema, request.body, 'onboarding request');
    const existing = [...state.accounts.values()].find((a) => a.awsAccountId === body.AWSAccountId);
    if (existing) throw zcspmError(409, `AWS account ${body.AWSAccountId} is already onboarded as ${existing.accountId}`);
    const account = state.createAccount(accountGuid(ctx.seed, body.AWSAccountId), body.AccountName, 'AWS', body.AWSAccountId, body.AWSRoleName, false, false);
    const job = state.startScan(account, request.now);
    return zcspmOk({ accountId: account.accountId, jobId: job.jobId });
  });
}
