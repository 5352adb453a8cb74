import { SIMULATED_CRASH_HEADER, startSimulator, type FaultKind, type RunningSimulator } from '#simulator/index.js';
import { call, LICENSE, SUBSCRIPTION, zdxToken, zdxTokenBody } from './simulator-http.js';
import { manualClock } from '../../helpers/clock.js';

describe('Simulator faults', () => {
  const clock = manualClock();
  let sim: RunningSimulator;
  let token: string;
  const validate = () => call(sim, 'GET', '/v1/oauth/validate', { token });
  const injectOnce = (kind: FaultKind) => sim.faults.inject({ kind, path: /^\/v1\/oauth\/validate$/ });

  beforeEach(async () => {
    sim = await startSimulator({ clock, config: { zdx: { rateLimit: { enabled: false } }, faults: { retryAfterSeconds: 2, slowMs: 1500 } } });
    token = await zdxToken(sim, clock.now());
  });
  afterEach(async () => {
    await sim.close();
  });

  describe('one-shot injection', () => {
    it('answers 429 with Retry-After for rate-limit-retry-after', async () => {
      injectOnce('rate-limit-retry-after');

      const result = await validate();

      expect(result.status).toBe(429);
      expect(result.headers.get('retry-after')).toBe('2');
    });

    it('answers 429 without Retry-After for rate-limit', async () => {
      injectOnce('rate-limit');

      const result = await validate();

      expect(result.status).toBe(429);
      expect(result.headers.get('retry-after')).toBeNull();
    });

    it('answers 500 for server-error and 503 for unavailable', async () => {
      injectOnce('server-error');
      injectOnce('unavailable');

      const statuses = [(await validate()).status, (await validate()).status];

      expect(statuses).toEqual([500, 503]);
    });

    it('destroys the socket for connection-reset and records status 0', async () => {
      injectOnce('connection-reset');

      const outcome = await validate().then(
        () => 'answered',
        (error: { name?: string }) => error.name,
      );

      expect(outcome).toBe('TypeError');
      expect(sim.calls.at(-1)).toMatchObject({ path: '/v1/oauth/validate', status: 0, fault: 'connection-reset' });
    });

    it('delays a slow reply past a client timeout shorter than slowMs', async () => {
      injectOnce('slow');

      const outcome = await fetch(`${sim.url}/v1/oauth/validate`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(100) }).then(
        () => 'answered',
        (error: { name?: string }) => error.name,
      );

      expect(outcome).toBe('TimeoutError');
    });

    it('eventually answers a slow reply normally', async () => {
      sim.update({ faults: { slowMs: 20 } });
      injectOnce('slow');

      const result = await validate();

      expect(result.json).toEqual({ valid: true });
      expect(sim.calls.at(-1)).toMatchObject({ status: 200, fault: 'slow' });
    });

    it('sends invalid JSON for malformed-json', async () => {
      injectOnce('malformed-json');

      const result = await validate();

      expect(result.status).toBe(200);
      expect(() => JSON.parse(result.text)).toThrow(SyntaxError);
    });

    it('sends valid JSON of the wrong shape for wrong-shape', async () => {
      injectOnce('wrong-shape');

      const result = await validate();

      expect(result.json).toEqual({ valid: 'unexpected' });
    });

    it('invalidates every token issued so far for token-revoked', async () => {
      injectOnce('token-revoked');

      const revoked = await validate();
      const afterwards = await validate();
      const fresh = await call(sim, 'GET', '/v1/oauth/validate', { token: await zdxToken(sim, clock.now()) });

      expect(revoked.status).toBe(401);
      expect(revoked.json.message).toBe('Bearer token has been revoked');
      expect(afterwards.status).toBe(401);
      expect(fresh.status).toBe(200);
    });

    it('answers normally for crash-after-side-effect and names the fault in a header (the runner fails the invocation)', async () => {
      injectOnce('crash-after-side-effect');

      const crashed = await validate();
      const next = await validate();

      expect(crashed.status).toBe(200);
      expect(crashed.json).toEqual({ valid: true });
      expect(crashed.headers.get(SIMULATED_CRASH_HEADER)).toBe('crash-after-side-effect');
      expect(next.headers.get(SIMULATED_CRASH_HEADER)).toBeNull();
      expect(sim.calls.at(-2)).toMatchObject({ status: 200, fault: 'crash-after-side-effect' });
    });

    it('hits exactly the next N matching requests', async () => {
      sim.faults.inject({ kind: 'server-error', path: 'validate', count: 2 });

      const statuses = [(await validate()).status, (await call(sim, 'GET', '/v1/apps', { token })).status, (await validate()).status, (await validate()).status];

      expect(statuses).toEqual([500, 200, 500, 200]);
      expect(sim.faults.pending()).toBe(0);
      expect(sim.counters.faultsInjected['server-error']).toBe(2);
    });

    it('gives ZCSPM 429s the APIM body', async () => {
      sim.faults.inject({ kind: 'rate-limit-retry-after', path: '^/authorize/', api: 'zcspm' });

      const result = await call(sim, 'POST', `/authorize/license/${LICENSE}/token`, { headers: SUBSCRIPTION, body: { APIApplicationId: 'a', Secret: 'b' } });

      expect(result.status).toBe(429);
      expect(result.json).toEqual({ statusCode: 429, message: 'Rate limit is exceeded. Try again in 2 seconds.' });
    });
  });

  describe('random faults', () => {
    async function faultSequence(seed: number): Promise<(string | undefined)[]> {
      const other = await startSimulator({ clock, config: { zdx: { rateLimit: { enabled: false } }, faults: { rate: 0.3, seed, kinds: ['server-error', 'unavailable', 'rate-limit', 'wrong-shape'] } } });
      try {
        for (let i = 0; i < 40; i += 1) await call(other, 'GET', '/v1/oauth/validate');
        return other.calls.map((c) => c.fault);
      } finally {
        await other.close();
      }
    }

    it('injects the same faults for the same seed and only the configured kinds', async () => {
      const first = await faultSequence(42);
      const second = await faultSequence(42);

      const injected = first.filter((f) => f !== undefined);
      expect(second).toEqual(first);
      expect(injected.length).toBeGreaterThan(3);
      expect(injected.length).toBeLessThan(30);
      expect(new Set(injected).size).toBeGreaterThan(1);
      expect(injected.every((f) => ['server-error', 'unavailable', 'rate-limit', 'wrong-shape'].includes(f as string))).toBe(true);
    });

    it('never injects on an excluded path', async () => {
      sim.update({ faults: { rate: 1, kinds: ['server-error'], excludePaths: ['^/v1/oauth/token$'] } });

      const tokenStatuses: number[] = [];
      for (let i = 0; i < 10; i += 1) tokenStatuses.push((await call(sim, 'POST', '/v1/oauth/token', { body: zdxTokenBody(clock.now()) })).status);
      const other = await validate();

      expect(tokenStatuses.every((s) => s === 200)).toBe(true);
      expect(other.status).toBe(500);
    });

    it('limits random faults to the configured APIs', async () => {
      sim.update({ faults: { rate: 1, kinds: ['unavailable'], apis: ['zdx'] } });

      const zcspm = await call(sim, 'POST', `/authorize/license/${LICENSE}/token`, { headers: SUBSCRIPTION, body: { APIApplicationId: 'sandbox-app-id', Secret: 'sandbox-app-secret' } });
      const zdx = await validate();

      expect(zcspm.status).toBe(200);
      expect(zdx.status).toBe(503);
    });
  });
});
