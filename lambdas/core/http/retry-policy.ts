/**
 * When to retry and how long to wait: pure functions, so the policy can be read and tested alone.
 *
 * Server hints come first (`Retry-After`, `RateLimit-Reset`, `X-Ratelimit-Reset`,
 * `X-Ratelimit-Remaining-Second`); without one, capped exponential backoff with full jitter.
 */

/** Response headers as undici returns them (lower-case names). */
export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** Backoff settings; every duration in milliseconds. */
export interface BackoffOptions {
  /** First retry waits up to this long. @default 500 */
  readonly initialDelayMs: number;
  /** No computed wait is longer than this. @default 8000 */
  readonly maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 500, maxDelayMs: 8_000 };

/** Values below this are delta-seconds, above it epoch seconds (1e9 s is September 2001). */
const EPOCH_SECONDS_THRESHOLD = 1_000_000_000;

/** 408, 429 and every 5xx may succeed on a later attempt. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** First value of a header, trimmed; undefined when absent or empty. */
export function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const raw = headers[name.toLowerCase()];
  const value = Array.isArray(raw) ? raw[0] : raw;
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date. Undefined when unusable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * A reset header as milliseconds from `now`. ZDX documents `RateLimit-Reset` as UTC epoch seconds;
 * the IETF draft and many gateways send delta-seconds. A value that looks like an epoch is read as
 * one, anything smaller as a delta.
 */
export function parseResetHeader(value: string | undefined, now: number): number | undefined {
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value)) return undefined;
  const seconds = Number(value);
  if (seconds >= EPOCH_SECONDS_THRESHOLD) return Math.max(0, Math.round(seconds * 1000 - now));
  return Math.round(seconds * 1000);
}

/**
 * How long the server asked us to wait before the next attempt, in ms, or undefined when it said
 * nothing usable. `Retry-After` applies to any status; the rate-limit headers only to a 429, since
 * on other statuses they describe the window, not a refusal.
 */
export function serverRetryDelayMs(status: number, headers: ResponseHeaders, now: number): number | undefined {
  const retryAfter = parseRetryAfter(headerValue(headers, 'retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  if (status !== 429) return undefined;
  const reset =
    parseResetHeader(headerValue(headers, 'ratelimit-reset'), now) ??
    parseResetHeader(headerValue(headers, 'x-ratelimit-reset'), now);
  if (reset !== undefined) return reset;
  // Kong-style per-second window (what the Zscaler SDKs read): the window rolls within a second.
  if (headerValue(headers, 'x-ratelimit-remaining-second') === '0') return 1_000;
  return undefined;
}

/** The longest wait {@link backoffDelayMs} can give for `retryIndex`: min(max, initial * 2^retryIndex). */
export function backoffCeilingMs(retryIndex: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  return Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** retryIndex);
}

/** Full jitter: a random wait in [0, {@link backoffCeilingMs}). `retryIndex` starts at 0. */
export function backoffDelayMs(retryIndex: number, random: () => number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  return Math.floor(random() * backoffCeilingMs(retryIndex, options));
}
