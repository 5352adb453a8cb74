import { createHash } from 'node:crypto';
import {
  ConnectionError,
  CredentialsRejectedError,
  ResponseShapeError,
  ServerError,
  TimeoutError,
  type ZscalerError,
} from '../../../lambdas/core/errors.js';
import { HttpClient, type HttpClientOptions } from '../../../lambdas/core/http/http-client.js';
import { ZcspmClient, fetchZcspmToken } from '../../../lambdas/zscaler/zcspm/client.js';
import { ZdxClient, fetchZdxToken } from '../../../lambdas/zscaler/zdx/client.js';
import { SEEDED_ALERT_ID, SIMULATOR_CREDENTIALS, startSimulator, type RunningSimulator } from '../../../local/simulator/index.js';
import { MemoryTokenSource, collect, everythingShown, failure } from './helpers.js';

const ZDX = SIMULATOR_CREDENTIALS.zdx;
const ZCSPM = SIMULATOR_CREDENTIALS.zcspm;

/** How the clients behave when the simulator misbehaves, and that no error ever shows a credential. */
describe('Zscaler clients under simulator faults (contract)', () => {
  let sim: RunningSimulator;
  let sleeps: number[];
  /** Every token the servers issued to this test file, to scan errors for. */
  let issuedTokens: string[];
  /** Every error the tests below provoked. */
  const errors: Error[] = [];

  function clients(options: Partial<HttpClientOptions> = {}) {
    const http = new HttpClient({
      baseUrl: sim.url,
      timeoutMs: 3_000,
      sleep: async (ms) => void sleeps.push(ms),
      ...options,
    });
    const zdxTokens = new MemoryTokenSource(async (signal) => {
      const token = await fetchZdxToken(http, ZDX, undefined, { signal });
      issuedTokens.push(token.token);
      return token;
    });
    const zcspmTokens = new Map<string, MemoryTokenSource>();
    const zcspm = new ZcspmClient({
      http,
      licenseId: ZCSPM.licenseId,
      subscriptionKey: ZCSPM.subscriptionKey,
      tokens: (scope) => {
        const source = new MemoryTokenSource(async (signal) => {
          const token = await fetchZcspmToken(http, { ...ZCSPM, accountId: scope.accountId }, { lifetimeSeconds: 3600, signal });
          issuedTokens.push(token.token);
          return token;
        });
        zcspmTokens.set(scope.accountId ?? 'license', source);
        return source;
      },
    });
    return { http, zdx: new ZdxClient({ http, tokens: zdxTokens }), zdxTokens, zcspm, zcspmTokens };
  }

  async function provoked(promise: Promise<unknown>): Promise<Error> {
    const error = await failure(promise);
    errors.push(error);
    return error;
  }

  let accountId: string;

  beforeAll(async () => {
    sim = await startSimulator({
      seed: 11,
      config: { timeScale: 0.0005, zdx: { rateLimit: { perSecond: 10_000, perMinute: 100_000, perHour: 10_000_000, perDay: 100_000_000 } }, faults: { slowMs: 1_000, retryAfterSeconds: 2 } },
    });
    issuedTokens = [];
    accountId = sim.ensureAwsAccount('111122223333');
  });

  beforeEach(() => {
    sleeps = [];
    sim.faults.clear();
    sim.resetCalls();
  });

  afterAll(async () => {
    await sim.close();
  });

  describe('malformed responses', () => {
    it('reads again after a truncated ZDX body, and names the endpoint when every attempt is truncated', async () => {
      const { zdx } = clients();
      await zdx.validateToken();
      sim.faults.inject({ kind: 'malformed-json', path: /^\/v1\/alerts\/\d+$/ });

      await expect(zdx.alerts.get(SEEDED_ALERT_ID)).resolves.toBeDefined();
      expect(sim.calls.filter((call) => call.path.startsWith('/v1/alerts/'))).toHaveLength(2);

      sim.resetCalls();
      sim.faults.inject({ kind: 'malformed-json', path: /^\/v1\/alerts\/\d+$/, count: 3 });
      const error = await provoked(zdx.alerts.get(SEEDED_ALERT_ID));

      expect(error).toBeInstanceOf(ResponseShapeError);
      expect(error).toMatchObject({ endpoint: 'GET /v1/alerts/{alertId}' });
      expect(error.message).toMatch(/^GET \/v1\/alerts\/\{alertId\} returned a body that is not JSON: /);
      expect(sim.calls.filter((call) => call.path.startsWith('/v1/alerts/'))).toHaveLength(3);
    });

    it('names the field when a ZDX body has the wrong shape', async () => {
      const { zdx } = clients();
      await zdx.validateToken();
      sim.faults.inject({ kind: 'wrong-shape', path: '^/v1/oauth/validate$', count: 3 });

      const error = await provoked(zdx.validateToken());

      expect(error).toBeInstanceOf(ResponseShapeError);
      expect((error as ResponseShapeError).fields).toEqual([expect.stringMatching(/^valid: .*expected boolean/)]);
      expect(error.message).toMatch(/^GET \/v1\/oauth\/validate returned an unexpected body: valid: /);
    });

    it('names the field inside the ZCSPM envelope when a body has the wrong shape', async () => {
      const { zcspm } = clients();
      sim.zcspm.setNextScan(accountId, { outcome: 'never' });
      await zcspm.supportedBenchmarks(accountId);
      sim.faults.inject({ kind: 'wrong-shape', path: /\/rescan$/ });

      const error = await provoked(zcspm.rescan(accountId));

      expect(error).toBeInstanceOf(ResponseShapeError);
      expect(error).toMatchObject({ endpoint: 'GET /compliance/license/{licenseId}/account/{accountId}/rescan' });
      expect((error as ResponseShapeError).fields).toEqual([expect.stringMatching(/^result: .*expected object/)]);
    });

    it('turns a truncated token response into a typed error that shows no token', async () => {
      const { http } = clients();
      sim.faults.inject({ kind: 'malformed-json', path: '^/v1/oauth/token$', count: 3 });
      sim.faults.inject({ kind: 'malformed-json', path: '/token$', api: 'zcspm', count: 3 });

      const zdxError = await provoked(fetchZdxToken(http, ZDX));
      const zcspmError = await provoked(fetchZcspmToken(http, ZCSPM, { lifetimeSeconds: 60 }));

      for (const error of [zdxError, zcspmError]) {
        expect(error).toBeInstanceOf(ResponseShapeError);
        expect(everythingShown(error)).not.toMatch(/eyJ[\w-]{8,}/);
      }
      expect(zdxError.message).toContain('POST /v1/oauth/token');
      expect(zcspmError.message).toContain('POST /authorize/license/{licenseId}/token');
    });
  });

  describe('transient faults', () => {
    it('waits the Retry-After of a 429 and then succeeds', async () => {
      const { zdx } = clients();
      await zdx.validateToken();
      sim.faults.inject({ kind: 'rate-limit-retry-after', path: '^/v1/apps$' });

      const apps = await collect(zdx.apps.list());

      expect(apps.length).toBeGreaterThan(0);
      expect(sleeps).toEqual([2_000]);
    });

    it('waits for the RateLimit-Reset of a ZDX 429 without Retry-After', async () => {
      const { zdx } = clients({ random: () => 0 });
      await zdx.validateToken();
      sim.faults.inject({ kind: 'rate-limit', path: '^/v1/apps$' });

      await collect(zdx.apps.list());

      expect(sleeps).toHaveLength(1);
      expect(sleeps[0]).toBeGreaterThan(0);
      expect(sleeps[0]).toBeLessThanOrEqual(2_000);
    });

    it('retries 5xx and connection resets on reads', async () => {
      const { zcspm } = clients();
      await zcspm.healthStatus(accountId);
      sim.resetCalls();
      sim.faults.inject({ kind: 'server-error', path: /\/healthstatus$/ });
      sim.faults.inject({ kind: 'unavailable', path: /\/healthstatus$/ });
      sim.faults.inject({ kind: 'connection-reset', path: /\/benchmarks$/ });

      const health = await zcspm.healthStatus(accountId);
      const benchmarks = await zcspm.supportedBenchmarks(accountId);

      expect(health.prerequisites.length).toBeGreaterThan(0);
      expect(benchmarks.length).toBeGreaterThan(0);
      expect(sim.calls.map((call) => [call.path.split('/').at(-1), call.status])).toEqual([
        ['healthstatus', 500],
        ['healthstatus', 503],
        ['healthstatus', 200],
        ['benchmarks', 0],
        ['benchmarks', 200],
      ]);
    });

    it('gives up with a ConnectionError when every attempt is reset', async () => {
      const { zcspm } = clients();
      await zcspm.healthStatus(accountId);
      sim.faults.inject({ kind: 'connection-reset', path: /\/healthstatus$/, count: 3 });

      const error = await provoked(zcspm.healthStatus(accountId));

      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ endpoint: 'GET /audit/license/{licenseId}/account/{accountId}/healthstatus' });
    });

    it('does not retry a deep-trace start on a 5xx, so no second trace can start', async () => {
      const { zdx } = clients();
      const deviceId = sim.zdx.affectedDeviceIds(SEEDED_ALERT_ID)[2]!;
      const appId = (await zdx.alerts.get(SEEDED_ALERT_ID)).application!.id;
      const [probe] = await zdx.devices.webProbes(deviceId, appId);
      sim.faults.inject({ kind: 'unavailable', path: /\/deeptraces$/, method: 'POST' });

      const error = await provoked(zdx.deepTraces.start(deviceId, { sessionName: 'once', appId, webProbeId: probe!.id }));

      expect(error).toBeInstanceOf(ServerError);
      expect(sim.calls.filter((call) => call.method === 'POST' && call.path.endsWith('/deeptraces'))).toHaveLength(1);
      expect(sim.counters.tracesStarted[String(deviceId)]).toBeUndefined();
    });

    it('times out a reply slower than the per-attempt timeout and names the endpoint', async () => {
      const { zcspm } = clients({ timeoutMs: 100, maxRetries: 0 });
      await zcspm.healthStatus(accountId);
      sim.faults.inject({ kind: 'slow', path: /\/healthstatus$/ });

      const error = await provoked(zcspm.healthStatus(accountId));

      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.message).toBe('GET /audit/license/{licenseId}/account/{accountId}/healthstatus did not answer within 100 ms');
    });

    it('stays under the real ZDX rate limit by honouring its headers', async () => {
      sim.update({ zdx: { rateLimit: { perSecond: 5, perMinute: 100_000, perHour: 10_000_000, perDay: 100_000_000 } } });
      sim.zdx.resetRateLimit();
      const { zdx } = clients({ sleep: undefined });

      for (let call = 0; call < 8; call++) await zdx.validateToken();

      sim.update({ zdx: { rateLimit: { perSecond: 10_000 } } });
      expect(sim.counters.rateLimited).toBeGreaterThan(0);
      expect(sim.calls.filter((call) => call.path === '/v1/oauth/validate' && call.status === 200)).toHaveLength(8);
    });
  });

  describe('revoked tokens', () => {
    it('refreshes a revoked ZDX token once and carries on', async () => {
      const { zdx, zdxTokens } = clients();
      await zdx.validateToken();
      sim.faults.inject({ kind: 'token-revoked', path: '^/v1/apps$' });

      const apps = await collect(zdx.apps.list());

      expect(apps.length).toBeGreaterThan(0);
      expect(zdxTokens.fetches).toBe(2);
      expect(zdxTokens.invalidated).toHaveLength(1);
    });

    it('refreshes a revoked ZCSPM account token once and carries on', async () => {
      const { zcspm, zcspmTokens } = clients();
      await zcspm.healthStatus(accountId);
      sim.faults.inject({ kind: 'token-revoked', path: /\/healthstatus$/, api: 'zcspm' });

      await zcspm.healthStatus(accountId);

      expect(zcspmTokens.get(accountId)?.fetches).toBe(2);
    });
  });

  describe('credentials', () => {
    it('reports credentials refused by the token endpoint as CredentialsRejectedErrors naming the secret to fix', async () => {
      const { http } = clients();

      const badZdx = await provoked(fetchZdxToken(http, { keyId: ZDX.keyId, keySecret: 'wrong-zdx-secret-value' }, undefined, { secretId: 'zsa/zdx' }));
      const badSecret = await provoked(fetchZcspmToken(http, { ...ZCSPM, applicationSecret: 'wrong-app-secret-value' }, { lifetimeSeconds: 60 }));
      const badKey = await provoked(fetchZcspmToken(http, { ...ZCSPM, subscriptionKey: 'wrong-subscription-key' }, { lifetimeSeconds: 60 }));

      for (const error of [badZdx, badSecret, badKey]) {
        expect(error).toBeInstanceOf(CredentialsRejectedError);
        expect(error.message).toMatch(/^credentials rejected: /);
        expect((error as ZscalerError).retryable).toBe(false);
      }
      expect(badZdx.message).toContain('fix the ZDX API key secret (zsa/zdx)');
      expect(badSecret.message).toContain('fix the ZCSPM app secret');
      expect(badKey.message).toContain('fix the ZCSPM app secret');
      expect(everythingShown(badZdx)).not.toContain('wrong-zdx-secret-value');
      expect(everythingShown(badSecret)).not.toContain('wrong-app-secret-value');
      expect(everythingShown(badKey)).not.toContain('wrong-subscription-key');
    });

    it('never shows a key, secret, hash or token in any error provoked above', () => {
      const now = Math.floor(Date.now() / 1000);
      const hashes = [-1, 0, 1].map((skew) => createHash('sha256').update(`${ZDX.keySecret}:${now + skew}`).digest('hex'));
      const secrets = [ZDX.keySecret, ZCSPM.applicationSecret, ZCSPM.subscriptionKey, ...hashes, ...issuedTokens];

      const leaks = errors.flatMap((error) => secrets.filter((secret) => everythingShown(error).includes(secret)).map(() => error.message));

      expect(errors.length).toBeGreaterThanOrEqual(10);
      expect(issuedTokens.length).toBeGreaterThan(0);
      expect(leaks).toEqual([]);
    });
  });
});
