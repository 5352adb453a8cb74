import { SIMULATOR_CREDENTIALS, startSimulator, type RunningSimulator } from '#simulator/index.js';
import { APP_CREDENTIALS, call, LICENSE, prodAccountId, SUBSCRIPTION, zcspmGet, zcspmToken, zdxToken } from './simulator-http.js';
import { manualClock } from '../../helpers/clock.js';

describe('Simulator recording', () => {
  const clock = manualClock();
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ clock, config: { zdx: { rateLimit: { enabled: false } } } });
  });
  afterAll(async () => {
    await sim.close();
  });

  describe('calls', () => {
    it('records every call with its api, method, path, query and status', async () => {
      const token = await zdxToken(sim, clock.now());
      sim.resetCalls();

      await call(sim, 'GET', '/v1/devices?limit=2&emails=a@example.com&emails=b@example.com', { token });
      await call(sim, 'GET', '/v1/nothing-here', { token });

      expect(sim.calls).toEqual([
        { at: clock.now(), api: 'zdx', method: 'GET', path: '/v1/devices', query: { limit: '2', emails: ['a@example.com', 'b@example.com'] }, status: 200 },
        { at: clock.now(), api: 'zdx', method: 'GET', path: '/v1/nothing-here', query: {}, status: 404 },
      ]);
    });

    it('never stores key secrets, application secrets or tokens', async () => {
      sim.resetCalls();
      const zdx = await zdxToken(sim, clock.now());
      const license = await zcspmToken(sim);
      const account = await zcspmToken(sim, prodAccountId(sim));
      await zcspmGet(sim, `/onboarding/license/${LICENSE}/licenseAccounts`, license);
      await call(sim, 'POST', `/authorize/license/${LICENSE}/token?accountId=${prodAccountId(sim)}`, { headers: SUBSCRIPTION, body: { ...APP_CREDENTIALS, Secret: 'a-wrong-secret' } });

      const recorded = JSON.stringify(sim.calls);

      for (const secret of [SIMULATOR_CREDENTIALS.zdx.keySecret, SIMULATOR_CREDENTIALS.zcspm.applicationSecret, SIMULATOR_CREDENTIALS.zcspm.subscriptionKey, 'a-wrong-secret', zdx, license, account]) {
        expect(recorded).not.toContain(secret);
      }
      expect(sim.calls[0]?.body).toEqual({ key_id: SIMULATOR_CREDENTIALS.zdx.keyId, key_secret: '[REDACTED]', timestamp: Math.floor(clock.now() / 1000) });
      expect(sim.calls[1]?.body).toEqual({ APIApplicationId: SIMULATOR_CREDENTIALS.zcspm.applicationId, Secret: '[REDACTED]' });
    });
  });
});
