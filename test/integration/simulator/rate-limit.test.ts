import { startSimulator, type RunningSimulator } from '#simulator/index.js';
import { call, zdxToken } from './simulator-http.js';
import { manualClock } from '../../helpers/clock.js';

describe('Simulator ZDX rate limit', () => {
  const clock = manualClock();
  let sim: RunningSimulator;
  let token: string;
  const validate = () => call(sim, 'GET', '/v1/oauth/validate', { token });

  beforeEach(async () => {
    sim = await startSimulator({ clock });
    token = await zdxToken(sim, clock.now());
    sim.zdx.resetRateLimit();
  });
  afterEach(async () => {
    await sim.close();
  });

  describe('per-second budget', () => {
    it('answers the sixth call in a second with 429 and the RateLimit headers', async () => {
      const windowStart = clock.now();

      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) statuses.push((await validate()).status);
      const limited = await validate();

      expect(statuses).toEqual([200, 200, 200, 200, 200]);
      expect(limited.status).toBe(429);
      expect(limited.json).toEqual({ code: 'TOO_MANY_REQUESTS', message: 'Rate limit exceeded' });
      expect(limited.headers.get('ratelimit-limit')).toBe('5');
      expect(limited.headers.get('ratelimit-remaining')).toBe('0');
      expect(limited.headers.get('ratelimit-reset')).toBe(String(Math.ceil((windowStart + 1000) / 1000)));
      expect(limited.headers.get('x-ratelimit-remaining-second')).toBe('0');
      expect(limited.headers.get('retry-after')).toBeNull();
      expect(sim.counters.responses429).toBe(1);
      expect(sim.calls.at(-1)).toMatchObject({ status: 429, fault: 'rate-limited' });
    });

    it('admits calls again once the window that started with the first call has passed', async () => {
      for (let i = 0; i < 6; i += 1) await validate();

      clock.advance(999);
      const stillLimited = await validate();
      clock.advance(1);
      const admitted = await validate();

      expect(stillLimited.status).toBe(429);
      expect(admitted.status).toBe(200);
      expect(admitted.headers.get('x-ratelimit-remaining-minute')).toBe('24');
    });

    it('adds Retry-After when configured', async () => {
      sim.update({ zdx: { rateLimit: { retryAfter: true } } });
      for (let i = 0; i < 5; i += 1) await validate();

      const limited = await validate();

      expect(limited.headers.get('retry-after')).toBe('1');
    });
  });

  describe('per-minute budget', () => {
    it('answers 429 after 30 calls in a minute even when each second stays under 5', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 31; i += 1) {
        statuses.push((await validate()).status);
        clock.advance(1000);
      }

      expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
      expect(statuses[30]).toBe(429);
    });

    it('follows configured budgets and window lengths', async () => {
      sim.update({ zdx: { rateLimit: { perSecond: 2, perMinute: 3, secondWindowMs: 10, minuteWindowMs: 100 } } });
      sim.zdx.resetRateLimit();

      const first = [(await validate()).status, (await validate()).status, (await validate()).status];
      clock.advance(10);
      const nextSecond = (await validate()).status;
      const overMinute = (await validate()).status;
      clock.advance(100);
      const nextMinute = (await validate()).status;

      expect(first).toEqual([200, 200, 429]);
      expect(nextSecond).toBe(200);
      expect(overMinute).toBe(429);
      expect(nextMinute).toBe(200);
    });
  });

  describe('per-hour and per-day budgets', () => {
    it('answers 429 after 1,000 calls in an hour (tier 1) even when every minute stays under 30', async () => {
      sim.zdx.resetRateLimit();
      const statuses: number[] = [];
      for (let i = 0; i < 1_001; i += 1) {
        statuses.push((await validate()).status);
        clock.advance(2_100);
      }

      expect(statuses.slice(0, 1_000).every((s) => s === 200)).toBe(true);
      expect(statuses[1_000]).toBe(429);
    });

    it('answers 429 over the day budget of a configured tier, naming the day window in its headers', async () => {
      sim.update({ zdx: { rateLimit: { perSecond: 100, perMinute: 1_000, perHour: 3, perDay: 4, hourWindowMs: 100, dayWindowMs: 1_000 } } });
      sim.zdx.resetRateLimit();

      const firstHour = [(await validate()).status, (await validate()).status, (await validate()).status];
      clock.advance(100);
      const nextHour = await validate();
      const overDay = await validate();

      expect(firstHour).toEqual([200, 200, 200]);
      expect(nextHour.status).toBe(200);
      expect(overDay.status).toBe(429);
      expect(overDay.headers.get('x-ratelimit-remaining-day')).toBe('0');
    });
  });

  describe('ZCSPM', () => {
    it('has no rate limit', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i += 1) statuses.push((await call(sim, 'GET', '/onboarding/license/x/licenseAccounts')).status);

      expect(statuses.every((s) => s === 401)).toBe(true);
    });
  });
});
