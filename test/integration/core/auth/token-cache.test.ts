import {
  SharedTokenCache,
  createTokenMemory,
  tokenCacheKey,
  type FetchedToken,
  type SharedTokenCacheOptions,
} from '../../../../lambdas/core/auth/token-cache.js';
import { BusyError } from '../../../../lambdas/core/errors.js';
import { TableStore } from '../../../../lambdas/core/store/table-store.js';
import { useTestTable } from '../../../helpers/dynamodb.js';
import { manualClock } from '../../../helpers/clock.js';

const HOUR = 3_600_000;

/** A token issuer that counts requests and mints numbered tokens. */
function countingIssuer(clock: { now(): number }, lifetimeMs = HOUR, delayMs = 20) {
  const issuer = {
    requests: 0,
    fetchToken: async (): Promise<FetchedToken> => {
      issuer.requests += 1;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return { token: `token-${issuer.requests}`, expiresAt: clock.now() + lifetimeMs };
    },
  };
  return issuer;
}

describe('SharedTokenCache', () => {
  const table = useTestTable('tokens');
  let keyCounter = 0;

  /** `count` cold containers: one cache instance each, each with its own memory. */
  function containers(count: number, options: Omit<SharedTokenCacheOptions, 'dynamo' | 'tableName' | 'memory'>) {
    return Array.from({ length: count }, () => new SharedTokenCache({ ...table, memory: createTokenMemory(), pollIntervalMs: 20, ...options }));
  }

  function freshKey(): string {
    keyCounter += 1;
    return tokenCacheKey('test', `credential-${keyCounter}`);
  }

  describe('getToken', () => {
    it.each([0, 20])('fetches exactly once for 50 concurrent callers over 10 cold containers (issuer answers in %i ms)', async (delayMs) => {
      const clock = manualClock();
      const issuer = countingIssuer(clock, HOUR, delayMs);
      const caches = containers(10, { cacheKey: freshKey(), clock, fetchToken: issuer.fetchToken });

      const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => caches[i % 10]!.getToken()));

      expect(issuer.requests).toBe(1);
      expect(new Set(tokens)).toEqual(new Set(['token-1']));
    });

    it('fetches exactly once more after the token expired, for 50 callers over 10 containers', async () => {
      const clock = manualClock();
      const issuer = countingIssuer(clock);
      const caches = containers(10, { cacheKey: freshKey(), clock, fetchToken: issuer.fetchToken });
      await Promise.all(caches.map((cache) => cache.getToken()));

      clock.advance(HOUR);
      const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => caches[i % 10]!.getToken()));

      expect(issuer.requests).toBe(2);
      expect(new Set(tokens)).toEqual(new Set(['token-2']));
    });

    it('refreshes once the token is within the refresh margin, before it expires', async () => {
      const clock = manualClock();
      const issuer = countingIssuer(clock);
      const [cache] = containers(1, { cacheKey: freshKey(), clock, fetchToken: issuer.fetchToken, refreshMarginMs: 60_000 });
      await cache!.getToken();

      clock.advance(HOUR - 59_000);
      const token = await cache!.getToken();

      expect(token).toBe('token-2');
    });

    it('checks expiry itself when DynamoDB still holds an expired token', async () => {
      const clock = manualClock();
      const issuer = countingIssuer(clock);
      const cacheKey = freshKey();
      await new TableStore(table).put({
        pk: `token#${cacheKey}`,
        sk: 'token',
        token: 'stale',
        tokenExpiresAt: clock.now() - 1,
        refreshAt: clock.now() - 60_001,
        expiresAt: Math.ceil(clock.now() / 1000) + 86_400,
      });
      const [cache] = containers(1, { cacheKey, clock, fetchToken: issuer.fetchToken });

      const token = await cache!.getToken();

      expect(token).toBe('token-1');
      expect(issuer.requests).toBe(1);
    });

    it('lets another container take over when the lease holder died mid-refresh', async () => {
      const clock = manualClock();
      const issuer = countingIssuer(clock);
      const cacheKey = freshKey();
      let crashedFetches = 0;
      const [crashed] = containers(1, {
        cacheKey,
        clock,
        leaseMs: 5_000,
        fetchToken: () => {
          crashedFetches += 1;
          return new Promise<FetchedToken>(() => undefined);
        },
      });
      // The survivors' own lease is long: the shared clock races ahead of real time while they poll,
      // and a short lease could expire under the new holder before its fetch lands (a test artifact).
      const survivors = containers(3, {
        cacheKey,
        clock,
        leaseMs: 10 * 60_000,
        maxWaitMs: 60 * 60_000,
        fetchToken: issuer.fetchToken,
        // Every poll moves the shared clock, so the dead holder's lease runs out after a few polls.
        sleep: async (ms) => {
          clock.advance(Math.max(ms, 1_000));
          await new Promise((resolve) => setTimeout(resolve, 5));
        },
      });
      void crashed!.getToken();
      while (crashedFetches === 0) await new Promise((resolve) => setTimeout(resolve, 5));

      const tokens = await Promise.all(survivors.flatMap((cache) => [cache.getToken(), cache.getToken()]));

      expect(crashedFetches).toBe(1);
      expect(issuer.requests).toBe(1);
      expect(new Set(tokens)).toEqual(new Set(['token-1']));
    });

    it('releases the lease when the fetch fails so the next caller fetches at once', async () => {
      const clock = manualClock();
      const cacheKey = freshKey();
      const [failing] = containers(1, {
        cacheKey,
        clock,
        fetchToken: () => Promise.reject(new Error('issuer down')),
      });
      const issuer = countingIssuer(clock);
      const [healthy] = containers(1, { cacheKey, clock, fetchToken: issuer.fetchToken, maxWaitMs: 0 });

      await expect(failing!.getToken()).rejects.toThrow('issuer down');
      const token = await healthy!.getToken();

      expect(token).toBe('token-1');
    });

    it('gives up with BusyError when a live lease outlasts maxWaitMs', async () => {
      const clock = manualClock();
      const cacheKey = freshKey();
      await new TableStore(table).put({
        pk: `token#${cacheKey}`,
        sk: 'token',
        leaseOwner: 'someone-else',
        leaseUntil: clock.now() + 60_000,
      });
      const issuer = countingIssuer(clock);
      const [cache] = containers(1, {
        cacheKey,
        clock,
        fetchToken: issuer.fetchToken,
        maxWaitMs: 3_000,
        sleep: async (ms) => clock.advance(Math.max(ms, 1_000)),
      });

      await expect(cache!.getToken()).rejects.toBeInstanceOf(BusyError);
      expect(issuer.requests).toBe(0);
    });

    it('rejects an aborted caller without failing the others sharing the refresh', async () => {
      const clock = manualClock();
      const issuer = countingIssuer(clock);
      const [cache] = containers(1, { cacheKey: freshKey(), clock, fetchToken: issuer.fetchToken });
      const controller = new AbortController();

      const aborted = cache!.getToken(controller.signal);
      const patient = cache!.getToken();
      controller.abort();

      await expect(aborted).rejects.toThrow(/abort/i);
      await expect(patient).resolves.toBe('token-1');
    });
  });

  describe('invalidate', () => {
    it('causes exactly one refresh when 50 callers over 10 containers report the same rejected token', async () => {
      const clock = manualClock();
      const issuer = countingIssuer(clock);
      const caches = containers(10, { cacheKey: freshKey(), clock, fetchToken: issuer.fetchToken });
      const rejected = await caches[0]!.getToken();
      await Promise.all(caches.map((cache) => cache.getToken()));

      const tokens = await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const cache = caches[i % 10]!;
          await cache.invalidate(rejected);
          return cache.getToken();
        }),
      );

      expect(issuer.requests).toBe(2);
      expect(new Set(tokens)).toEqual(new Set(['token-2']));
    });

    it('leaves a newer token in place when an old one is reported', async () => {
      const clock = manualClock();
      const issuer = countingIssuer(clock);
      const [first, second] = containers(2, { cacheKey: freshKey(), clock, fetchToken: issuer.fetchToken });
      const old = await first!.getToken();
      await first!.invalidate(old);
      const current = await first!.getToken();

      await second!.invalidate(old);
      const seen = await second!.getToken();

      expect(current).toBe('token-2');
      expect(seen).toBe('token-2');
      expect(issuer.requests).toBe(2);
    });
  });
});
