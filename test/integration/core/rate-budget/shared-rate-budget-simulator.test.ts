import { createHash } from 'node:crypto';
import * as z from 'zod';
import { SharedRateBudget } from '../../../../lambdas/core/rate-budget/shared-rate-budget.js';
import { SIMULATOR_CREDENTIALS, startSimulator, type RunningSimulator } from '../../../../local/simulator/index.js';
import { useTestTable } from '../../../helpers/dynamodb.js';

/** The documented 5 per second; the minute window is scaled down to 3 s (12 calls) so the test takes seconds, not minutes. */
const LIMITS = { perSecond: 5, perMinute: 12, secondWindowMs: 1_000, minuteWindowMs: 3_000 };
const CALLS = 16;

const tokenResponse = z.object({ token: z.string().min(1) });

describe('SharedRateBudget against the simulator', () => {
  const table = useTestTable('budget-sim');
  let simulator: RunningSimulator;

  beforeAll(async () => {
    simulator = await startSimulator({ config: { zdx: { rateLimit: { ...LIMITS, enabled: true, includeAuthCalls: true } } } });
  });

  afterAll(async () => {
    await simulator.close();
  });

  describe('acquire', () => {
    it('keeps concurrent ZDX calls from several containers free of 429s', async () => {
      const containers = Array.from(
        { length: 3 },
        () => new SharedRateBudget({ ...table, budgetKey: simulator.url, ...LIMITS, maxWaitMs: 60_000 }),
      );
      const [first] = containers;
      await first!.acquire();
      const timestamp = Math.floor(Date.now() / 1000);
      const tokenReply = await fetch(`${simulator.url}/v1/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          key_id: SIMULATOR_CREDENTIALS.zdx.keyId,
          key_secret: createHash('sha256').update(`${SIMULATOR_CREDENTIALS.zdx.keySecret}:${timestamp}`).digest('hex'),
          timestamp,
        }),
      });
      const { token } = tokenResponse.parse(await tokenReply.json());

      const statuses = await Promise.all(
        Array.from({ length: CALLS }, async (_, i) => {
          await containers[i % containers.length]!.acquire();
          const response = await fetch(`${simulator.url}/v1/oauth/validate`, { headers: { authorization: `Bearer ${token}` } });
          await response.arrayBuffer();
          return response.status;
        }),
      );

      expect(tokenReply.status).toBe(200);
      expect(statuses.filter((status) => status === 200)).toHaveLength(CALLS);
      expect(simulator.counters.responses429).toBe(0);
    });
  });
});
