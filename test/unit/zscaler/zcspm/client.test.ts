import { MockAgent } from 'undici';
import { ErrorName, InvalidInputError, ResponseShapeError } from '../../../../lambdas/core/errors.js';
import { HttpClient } from '../../../../lambdas/core/http/http-client.js';
import type { TokenSource } from '../../../../lambdas/core/ports.js';
import { ZcspmClient, fetchZcspmToken, interpretJobStatus, type TokenScope } from '../../../../lambdas/zscaler/zcspm/client.js';

const HOST = 'https://api.zcspm.test';
const LICENSE = '00000000-0000-4000-8000-000000000001';
const ACCOUNT = '11111111-1111-4111-8111-111111111111';
const KEY = 'subscription-key-1';
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

function ok(result: unknown) {
  return { result, statusCode: 200, message: 'Request Successful' };
}

function header(headers: unknown, name: string): string | undefined {
  const record = headers as Record<string, string>;
  return Object.entries(record).find(([key]) => key.toLowerCase() === name)?.[1];
}

/** The error a promise rejects with; fails the test when it resolves. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (caught: Error) => caught,
  );
}

describe('ZcspmClient', () => {
  let agent: MockAgent;
  let scopes: TokenScope[];
  let client: ZcspmClient;

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    scopes = [];
    const http = new HttpClient({ baseUrl: HOST, dispatcher: agent, sleep: async () => undefined });
    client = new ZcspmClient({
      http,
      licenseId: LICENSE,
      subscriptionKey: KEY,
      tokens: (scope): TokenSource => {
        scopes.push(scope);
        return { getToken: async () => (scope.accountId ? `account-token-${scope.accountId}` : 'license-token'), invalidate: async () => undefined };
      },
    });
  });

  afterEach(async () => {
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  describe('jobStatus', () => {
    it('sends the subscription key and the account token, and unwraps the envelope', async () => {
      agent
        .get(HOST)
        .intercept({ path: `/compliance/license/${LICENSE}/account/${ACCOUNT}/job/job-1/status` })
        .reply((options) => {
          expect(header(options.headers, 'ocp-apim-subscription-key')).toBe(KEY);
          expect(header(options.headers, 'authorization')).toBe(`Bearer account-token-${ACCOUNT}`);
          return { statusCode: 200, data: ok({ jobStatus: 'Completed' }) };
        });

      const status = await client.jobStatus(ACCOUNT, 'job-1');

      expect(status).toEqual({ jobStatus: 'Completed', succeeded: true, failed: false, terminal: true });
      expect(scopes).toEqual([{ accountId: ACCOUNT }]);
    });

    it('turns an error statusCode in a 200 body into an ApiError', async () => {
      agent
        .get(HOST)
        .intercept({ path: `/compliance/license/${LICENSE}/account/${ACCOUNT}/job/job-1/status` })
        .reply(200, { result: null, statusCode: 404, message: 'Job not found' });

      const error = await failure(client.jobStatus(ACCOUNT, 'job-1'));

      expect(error).toMatchObject({ name: ErrorName.NotFound, status: 404, endpoint: 'GET /compliance/license/{licenseId}/account/{accountId}/job/{jobId}/status' });
    });
  });

  describe('rescan', () => {
    it('names the endpoint and the field when jobId is missing', async () => {
      agent.get(HOST).intercept({ path: `/compliance/license/${LICENSE}/account/${ACCOUNT}/rescan` }).reply(200, ok({ jobid: 7 }));

      const error = await failure(client.rescan(ACCOUNT));

      expect(error).toBeInstanceOf(ResponseShapeError);
      expect(error.message).toMatch(/^GET \/compliance\/license\/\{licenseId\}\/account\/\{accountId\}\/rescan returned an unexpected body: result\.jobId: /);
    });
  });

  describe('auditSummary', () => {
    it('reads a PascalCase summary and asks for the job with ?jobId=', async () => {
      agent
        .get(HOST)
        .intercept({ path: `/audit/license/${LICENSE}/account/${ACCOUNT}/benchmark/CSBP/summary?jobId=job-9` })
        .reply(
          200,
          ok({
            BenchmarkId: 'CSBP',
            AWSAccountId: '123456789012',
            JobId: 'job-9',
            Posture: { Total: 2, Green: 1, Red: 1, Amber: 0, Gray: 0, CompliancePercent: 50 },
            ResourceCategories: [
              {
                CategoryName: 'Storage',
                Policies: [
                  { PolicyId: 'S3Public', PassedResourceCount: 0, TotalResourceCount: 2, Compliance: 'Red' },
                  { PolicyId: 'S3Enc', PassedResourceCount: 4, TotalResourceCount: 4, Compliance: 'Green' },
                ],
              },
            ],
          }),
        );

      const summary = await client.auditSummary(ACCOUNT, 'CSBP', { jobId: 'job-9' });

      expect(summary).toMatchObject({ benchmarkId: 'CSBP', jobId: 'job-9', posture: { total: 2, green: 1, red: 1, compliancePercent: 50 } });
      expect(summary.categories[0]?.policies.map((policy) => policy.failedResourceCount)).toEqual([2, 0]);
    });

    it('reports a null summary as invalid input, never as data', async () => {
      agent.get(HOST).intercept({ path: `/audit/license/${LICENSE}/account/${ACCOUNT}/benchmark/AZ1/summary` }).reply(200, ok(null));

      await expect(client.auditSummary(ACCOUNT, 'AZ1')).rejects.toBeInstanceOf(InvalidInputError);
    });
  });

  describe('failedAssets', () => {
    it('pages with pageNumber/pageSize until failedAssetCount, tolerating benchMarkId and keeping tag keys', async () => {
      const asked: string[] = [];
      const asset = (id: string) => ({ resourceId: id, policyId: 'P', Tags: { Env: 'prod', env: 'dup' } });
      const pool = agent.get(HOST);
      pool
        .intercept({ path: (path) => path.startsWith(`/audit/license/${LICENSE}/account/${ACCOUNT}/failedassets`) })
        .reply((options) => {
          asked.push(options.path.slice(options.path.indexOf('?')));
          const page = new URL(options.path, HOST).searchParams.get('pageNumber');
          const items = page === '1' ? [asset('r1'), asset('r2')] : [asset('r3')];
          return { statusCode: 200, data: ok({ failedAssetCount: 3, benchMarkId: 'CSBP', failedPolicyAssetsLists: items }) };
        })
        .times(2);

      const assets = [];
      for await (const item of client.failedAssets(ACCOUNT, { benchmarkId: 'CSBP', pageSize: 2 })) assets.push(item);

      expect(assets.map((item) => item.resourceId)).toEqual(['r1', 'r2', 'r3']);
      expect(assets[0]?.tags).toEqual({ Env: 'prod', env: 'dup' });
      expect(asked).toEqual(['?benchmarkId=CSBP&pageNumber=1&pageSize=2', '?benchmarkId=CSBP&pageNumber=2&pageSize=2']);
    });
  });

  describe('license-level calls', () => {
    it('use the license token and send the documented bodies', async () => {
      const bodies: unknown[] = [];
      const pool = agent.get(HOST);
      pool.intercept({ path: `/onboarding/license/${LICENSE}/config`, method: 'PUT' }).reply((options) => {
        bodies.push(JSON.parse(String(options.body)));
        expect(header(options.headers, 'authorization')).toBe('Bearer license-token');
        return { statusCode: 200, data: ok('Account Added') };
      });
      pool.intercept({ path: `/onboarding/license/${LICENSE}/account/aws`, method: 'POST' }).reply((options) => {
        bodies.push(JSON.parse(String(options.body)));
        return { statusCode: 200, data: ok({ accountId: ACCOUNT, jobId: 'job-1' }) };
      });

      const scope = await client.updateAccessScope(ACCOUNT);
      const onboarded = await client.onboardAws({ accountName: 'prod', awsAccountId: '123456789012', roleName: 'ZscalerRole' });

      expect(scope).toBe('Account Added');
      expect(onboarded).toEqual({ accountId: ACCOUNT, jobId: 'job-1' });
      expect(bodies).toEqual([{ accountId: ACCOUNT }, { AccountName: 'prod', AWSAccountId: '123456789012', AWSRoleName: 'ZscalerRole' }]);
      expect(scopes).toEqual([{}]);
    });

    it('rejects a malformed AWS account id before sending anything', () => {
      expect(() => client.onboardAws({ accountName: 'x', awsAccountId: '12', roleName: 'r' })).toThrow(InvalidInputError);
    });
  });
});

describe('interpretJobStatus', () => {
  describe('interpretJobStatus', () => {
    it.each([
      ['Success', true, false],
      ['Completed', true, false],
      ['Failed', false, true],
      ['Running', false, false],
      ['New', false, false],
      ['SomethingNew', false, false],
    ])('reads %s', (jobStatus, succeeded, failed) => {
      expect(interpretJobStatus(jobStatus)).toEqual({ jobStatus, succeeded, failed, terminal: succeeded || failed });
    });
  });
});

describe('fetchZcspmToken', () => {
  let agent: MockAgent;

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
  });

  afterEach(async () => {
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  describe('fetchZcspmToken', () => {
    it('asks for an account token with the subscription key and uses the configured lifetime for an opaque token', async () => {
      const http = new HttpClient({ baseUrl: HOST, dispatcher: agent });
      agent
        .get(HOST)
        .intercept({ path: `/authorize/license/${LICENSE}/token?accountId=${ACCOUNT}`, method: 'POST' })
        .reply((options) => {
          expect(header(options.headers, 'ocp-apim-subscription-key')).toBe(KEY);
          expect(header(options.headers, 'authorization')).toBeUndefined();
          expect(JSON.parse(String(options.body))).toEqual({ APIApplicationId: 'app', Secret: 'app-secret' });
          return { statusCode: 200, data: ok({ token: 'opaque' }) };
        });

      const result = await fetchZcspmToken(
        http,
        { licenseId: LICENSE, applicationId: 'app', applicationSecret: 'app-secret', subscriptionKey: KEY, accountId: ACCOUNT },
        { lifetimeSeconds: 3600, clock: { now: () => NOW } },
      );

      expect(result).toEqual({ token: 'opaque', expiresAt: NOW + 3_600_000 });
    });

    it('keeps the app secret and key out of the error when they are refused', async () => {
      const http = new HttpClient({ baseUrl: HOST, dispatcher: agent });
      agent
        .get(HOST)
        .intercept({ path: `/authorize/license/${LICENSE}/token`, method: 'POST' })
        .reply(401, { statusCode: 401, message: `Access denied for key ${KEY} and secret app-secret` });

      const error = await failure(
        fetchZcspmToken(
          http,
          { licenseId: LICENSE, applicationId: 'app', applicationSecret: 'app-secret', subscriptionKey: KEY },
          { lifetimeSeconds: 3600 },
        ),
      );

      expect(error).toMatchObject({ name: ErrorName.CredentialsRejected, secret: expect.stringContaining('ZCSPM app secret') });
      expect(`${error.message} ${JSON.stringify(error)}`).not.toMatch(/app-secret|subscription-key-1/);
    });
  });
});
