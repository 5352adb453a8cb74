import { startSimulator, type RunningSimulator } from '#simulator/index.js';
import { call, zdxToken } from './simulator-http.js';
import { manualClock } from '../../helpers/clock.js';

describe('Simulator control API', () => {
  const clock = manualClock();
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ clock, config: { zdx: { rateLimit: { enabled: false } } } });
  });
  afterAll(async () => {
    await sim.close();
  });

  describe('/__sim/', () => {
    it('changes the config and injects faults without recording its own calls', async () => {
      sim.resetCalls();

      const patched = await call(sim, 'PATCH', '/__sim/config', { body: { zdx: { deepTraces: { tenantCap: 3 } } } });
      const injected = await call(sim, 'POST', '/__sim/faults', { body: { kind: 'unavailable', path: '^/v1/apps$' } });
      const faulted = await call(sim, 'GET', '/v1/apps', { token: await zdxToken(sim, clock.now()) });

      expect(patched.json.zdx.deepTraces.tenantCap).toBe(3);
      expect(sim.config.zdx.deepTraces.tenantCap).toBe(3);
      expect(injected.json).toEqual({ pending: 1 });
      expect(faulted.status).toBe(503);
      expect(sim.calls.map((c) => c.path)).toEqual(['/v1/oauth/token', '/v1/apps']);
    });

    it('rejects an invalid config change with 400 and keeps the old config', async () => {
      const result = await call(sim, 'PATCH', '/__sim/config', { body: { faults: { rate: 2 } } });

      expect(result.status).toBe(400);
      expect(result.json.message).toMatch(/faults.rate must be within 0..1/);
      expect(sim.config.faults.rate).toBe(0);
    });

    it('seeds alerts and AWS accounts and adds failed assets', async () => {
      const alert = await call(sim, 'POST', '/__sim/zdx/alerts/5550001', { body: { deviceCount: 4 } });
      const account = await call(sim, 'POST', '/__sim/zcspm/aws-accounts/210987654321');
      const assets = await call(sim, 'POST', `/__sim/zcspm/accounts/${account.json.accountId}/failed-assets`, { body: { assets: [{ resourceId: 'arn:aws:sqs:us-east-1:210987654321:q' }] } });
      const badAssets = await call(sim, 'POST', `/__sim/zcspm/accounts/${account.json.accountId}/failed-assets`, { body: { assets: [{}] } });

      expect(alert.json.deviceIds).toHaveLength(4);
      expect(account.json.accountId).toBe(sim.ensureAwsAccount('210987654321'));
      expect(assets.status).toBe(200);
      expect(badAssets.status).toBe(400);
      expect(badAssets.json.message).toMatch(/assets.0.resourceId/);
    });
  });
});
