import { startSimulator, type RunningSimulator } from '#simulator/index.js';
import { APP_CREDENTIALS, call, LICENSE, prodAccountId, SUBSCRIPTION, zcspmGet, zcspmToken } from './simulator-http.js';
import { manualClock } from '../../helpers/clock.js';

describe('Simulator ZCSPM authentication', () => {
  const clock = manualClock();
  let sim: RunningSimulator;
  let accountId: string;

  beforeAll(async () => {
    sim = await startSimulator({ clock, config: { zcspm: { tokenLifetimeSeconds: 120 } } });
    accountId = prodAccountId(sim);
  });
  afterAll(async () => {
    await sim.close();
  });

  describe('POST /authorize/license/{lic}/token', () => {
    it('returns a license token in the result envelope', async () => {
      const result = await call(sim, 'POST', `/authorize/license/${LICENSE}/token`, { body: APP_CREDENTIALS, headers: SUBSCRIPTION });

      expect(result.status).toBe(200);
      expect(result.json).toEqual({ result: { token: expect.any(String) }, statusCode: 200, message: 'Request Successful' });
    });

    it('answers 401 with the APIM body when the subscription key is missing', async () => {
      const result = await call(sim, 'POST', `/authorize/license/${LICENSE}/token`, { body: APP_CREDENTIALS });

      expect(result.status).toBe(401);
      expect(result.json).toEqual({
        statusCode: 401,
        message: 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
      });
    });

    it('answers 401 with the APIM body when the subscription key is wrong', async () => {
      const result = await call(sim, 'POST', `/authorize/license/${LICENSE}/token`, { body: APP_CREDENTIALS, headers: { 'ocp-apim-subscription-key': 'nope' } });

      expect(result.status).toBe(401);
      expect(result.json.message).toMatch(/^Access denied due to invalid subscription key/);
    });

    it('answers 401 when the application secret is wrong', async () => {
      const result = await call(sim, 'POST', `/authorize/license/${LICENSE}/token`, { body: { ...APP_CREDENTIALS, Secret: 'wrong' }, headers: SUBSCRIPTION });

      expect(result.status).toBe(401);
      expect(result.json).toEqual({ result: null, statusCode: 401, message: 'Invalid API application id or secret' });
    });

    it('answers 400 naming the missing field', async () => {
      const result = await call(sim, 'POST', `/authorize/license/${LICENSE}/token`, { body: { APIApplicationId: 'x' }, headers: SUBSCRIPTION });

      expect(result.status).toBe(400);
      expect(result.json.message).toMatch(/Secret/);
    });

    it('answers 403 for an account token of an account outside the API scope', async () => {
      const azure = sim.zcspm.accounts().find((a) => !a.inApiScope);

      const result = await call(sim, 'POST', `/authorize/license/${LICENSE}/token?accountId=${azure?.accountId}`, { body: APP_CREDENTIALS, headers: SUBSCRIPTION });

      expect(result.status).toBe(403);
    });

    it('counts token requests per scope', async () => {
      const before = sim.counters.tokenRequests[`zcspm:account:${accountId}`] ?? 0;

      await zcspmToken(sim, accountId);

      expect(sim.counters.tokenRequests[`zcspm:account:${accountId}`]).toBe(before + 1);
    });
  });

  describe('token scope', () => {
    it('lets a license token read license accounts but not account APIs', async () => {
      const token = await zcspmToken(sim);

      const accounts = await zcspmGet(sim, `/onboarding/license/${LICENSE}/licenseAccounts`, token);
      const benchmarks = await zcspmGet(sim, `/audit/license/${LICENSE}/account/${accountId}/benchmarks`, token);

      expect(accounts.status).toBe(200);
      expect(benchmarks.status).toBe(403);
    });

    it('lets an account token read its account but not license APIs or other accounts', async () => {
      const token = await zcspmToken(sim, accountId);
      const other = sim.zcspm.accounts().find((a) => a.inApiScope && a.accountId !== accountId);

      const own = await zcspmGet(sim, `/audit/license/${LICENSE}/account/${accountId}/benchmarks`, token);
      const license = await zcspmGet(sim, `/onboarding/license/${LICENSE}/licenseAccounts`, token);
      const foreign = await zcspmGet(sim, `/audit/license/${LICENSE}/account/${other?.accountId}/benchmarks`, token);

      expect(own.status).toBe(200);
      expect(license.status).toBe(403);
      expect(foreign.status).toBe(403);
    });

    it('answers 401 once the token lifetime has passed', async () => {
      const token = await zcspmToken(sim, accountId);

      const before = await zcspmGet(sim, `/audit/license/${LICENSE}/account/${accountId}/healthstatus`, token);
      clock.advance(120_000);
      const after = await zcspmGet(sim, `/audit/license/${LICENSE}/account/${accountId}/healthstatus`, token);

      expect(before.status).toBe(200);
      expect(after.status).toBe(401);
      expect(after.json).toEqual({ result: null, statusCode: 401, message: 'Bearer token has expired' });
    });

    it('answers 404 for another license id', async () => {
      const token = await zcspmToken(sim);

      const result = await zcspmGet(sim, '/onboarding/license/11111111-1111-4111-8111-111111111111/licenseAccounts', token);

      expect(result.status).toBe(404);
    });
  });
});
