import fc from 'fast-check';
import {
  backoffDelayMs,
  isRetryableStatus,
  parseResetHeader,
  parseRetryAfter,
  serverRetryDelayMs,
} from '../../../../lambdas/core/http/retry-policy.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('retry policy', () => {
  describe('isRetryableStatus', () => {
    it('retries 408, 429 and 5xx only', () => {
      expect([200, 400, 401, 403, 404, 408, 409, 429, 500, 503, 599].filter(isRetryableStatus)).toEqual([408, 429, 500, 503, 599]);
    });
  });

  describe('parseRetryAfter', () => {
    it('reads delta-seconds, fractions and HTTP dates; rejects garbage', () => {
      expect(parseRetryAfter('2', NOW)).toBe(2_000);
      expect(parseRetryAfter('0.5', NOW)).toBe(500);
      expect(parseRetryAfter(new Date(NOW + 7_000).toUTCString(), NOW)).toBe(7_000);
      expect(parseRetryAfter(new Date(NOW - 7_000).toUTCString(), NOW)).toBe(0);
      expect(parseRetryAfter('soon', NOW)).toBeUndefined();
      expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    });
  });

  describe('parseResetHeader', () => {
    it('reads epoch seconds as an instant and small values as delta-seconds', () => {
      expect(parseResetHeader(String(NOW / 1000 + 3), NOW)).toBe(3_000);
      expect(parseResetHeader(String(NOW / 1000 - 3), NOW)).toBe(0);
      expect(parseResetHeader('12', NOW)).toBe(12_000);
      expect(parseResetHeader('-1', NOW)).toBeUndefined();
    });
  });

  describe('serverRetryDelayMs', () => {
    it('prefers Retry-After, then RateLimit-Reset, then X-Ratelimit-Reset, then X-Ratelimit-Remaining-Second', () => {
      expect(serverRetryDelayMs(429, { 'retry-after': '1', 'ratelimit-reset': '9' }, NOW)).toBe(1_000);
      expect(serverRetryDelayMs(429, { 'ratelimit-reset': '9', 'x-ratelimit-reset': '4' }, NOW)).toBe(9_000);
      expect(serverRetryDelayMs(429, { 'x-ratelimit-reset': '4' }, NOW)).toBe(4_000);
      expect(serverRetryDelayMs(429, { 'x-ratelimit-remaining-second': '0' }, NOW)).toBe(1_000);
      expect(serverRetryDelayMs(429, {}, NOW)).toBeUndefined();
    });

    it('reads rate-limit window headers only on a 429', () => {
      expect(serverRetryDelayMs(503, { 'ratelimit-reset': '9' }, NOW)).toBeUndefined();
      expect(serverRetryDelayMs(503, { 'retry-after': '9' }, NOW)).toBe(9_000);
    });
  });

  describe('backoffDelayMs', () => {
    it('stays within [0, min(max, initial * 2^n)) for every retry index and random value', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 30 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (index, random) => {
          const delay = backoffDelayMs(index, () => random, { initialDelayMs: 500, maxDelayMs: 8_000 });

          return delay >= 0 && delay < Math.min(8_000, 500 * 2 ** index);
        }),
      );
    });
  });
});
