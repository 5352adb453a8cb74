import { createHash } from 'node:crypto';
import * as z from 'zod';
import { SharedTokenCache, createTokenMemory, tokenCacheKey, type FetchedToken } from '../../../../lambdas/core/auth/token-cache.js';
import { SIMULATOR_CREDENTIALS, startSimulator, type RunningSimulator } from '../../../../local/simulator/index.js';
import { useTestTable } from '../../../helpers/dynamodb.js';
import { manualClock } from '../../../helpers/clock.js';

const tokenResponse = z.object({ token: z.string().min(1), expires_in: z.number().positive() });

/** Gets a ZDX token from the simulator the documented way (hashed secret + timestamp). */
async function fetchZdxTokenOverHttp(baseUrl: string, clock: { now(): number }, signal?: AbortSignal): Promise<FetchedToken> {
  const { keyId, keySecret } = SIMULATOR_CREDENTIALS.zdx;
  const timestamp = Math.floor(clock.now() / 1000);
  const response = await fetch(`${baseUrl}/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ key_id: keyId, key_secret: createHash('sha256').update(`${keySecret}:${timestamp}`).digest('hex'), timestamp }),
    signal: signal ?? null,
  });
  if (response.status !== 200) throw new Error(`token request answered ${response.status}`);
  const body = tokenResponse.parse(await response.json());
  return { token: body.token, expiresAt: clock.now() + body.expires_in * 1000 };
}

/** Calls an authenticated ZDX endpoint; on 401 reports the token and retries once with a fresh one. */
async function validateWithRetry(simulatorUrl: string, cache: SharedTokenCache): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const token = await cache.getToken();
    const response = await fetch(`${simulatorUrl}/v1/oauth/validate`, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    if (response.status !== 401 || attempt === 2) return response.status;
    await cache.invalidate(token);
  }
}

describe('SharedTokenCache against the simulator', () => {
  const table = useTestTable('tokens-sim');
  let simulator: RunningSimulator;
  let clock: ReturnType<typeof manualClock>;
  let run = 0;

  beforeEach(async () => {
    clock = manualClock(Date.now());
    // The rate limit is the shared budget's concern (its own test); here every call must reach the auth check.
    simulator = await startSimulator({ clock, config: { zdx: { rateLimit: { enabled: false } } } });
  });

  afterEach(async () => {
    await simulator.close();
  });

  /** Ten cold containers sharing DynamoDB Local, each with its own memory. */
  function tenContainers(): SharedTokenCache[] {
    run += 1;
    const cacheKey = tokenCacheKey('zdx', simulator.url, SIMULATOR_CREDENTIALS.zdx.keyId, `run-${run}`);
    return Array.from(
      { length: 10 },
      () =>
        new SharedTokenCache({
          ...table,
          cacheKey,
          clock,
          memory: createTokenMemory(),
          pollIntervalMs: 25,
          fetchToken: (signal) => fetchZdxTokenOverHttp(simulator.url, clock, signal),
        }),
    );
  }

  const fiftyCallers = (caches: SharedTokenCache[]) => Array.from({ length: 50 }, (_, i) => caches[i % caches.length]!);

  describe('getToken', () => {
    it('makes exactly one token request for 50 callers over 10 cold containers, and one more after expiry', async () => {
      const caches = tenContainers();

      const firstStatuses = await Promise.all(fiftyCallers(caches).map((cache) => validateWithRetry(simulator.url, cache)));
      const requestsBeforeExpiry = simulator.counters.tokenRequests.zdx;
      clock.advance(3_600_000);
      const laterStatuses = await Promise.all(fiftyCallers(caches).map((cache) => validateWithRetry(simulator.url, cache)));

      expect(requestsBeforeExpiry).toBe(1);
      expect(simulator.counters.tokenRequests.zdx).toBe(2);
      expect(new Set([...firstStatuses, ...laterStatuses])).toEqual(new Set([200]));
    });
  });

  describe('invalidate', () => {
    it('makes exactly one token request when the server starts rejecting the shared token', async () => {
      const caches = tenContainers();
      await Promise.all(caches.map((cache) => cache.getToken()));
      simulator.zdx.revokeTokens();

      const statuses = await Promise.all(fiftyCallers(caches).map((cache) => validateWithRetry(simulator.url, cache)));

      expect(new Set(statuses)).toEqual(new Set([200]));
      expect(simulator.counters.tokenRequests.zdx).toBe(2);
      expect(simulator.calls.filter((call) => call.path === '/v1/oauth/validate' && call.status === 401).length).toBeGreaterThan(0);
    });
  });
});
