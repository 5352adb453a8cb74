/**
 * The small interfaces that connect the layers. Use cases and clients depend on these, never on
 * concrete AWS or HTTP implementations, so tests can pass fakes and the sandbox can pass local parts.
 */

/** Supplies a bearer token for one credential and scope; shared by every caller of that scope. */
export interface TokenSource {
  /** Returns a token valid for at least the refresh margin; fetches or waits for a refresh when needed. */
  getToken(signal?: AbortSignal): Promise<string>;
  /** Drops `token` everywhere (memory and shared cache) after the server rejected it with 401. */
  invalidate(token: string): Promise<void>;
}

/** Admits one call against a shared request budget (for example the ZDX tenant rate limit). */
export interface RateLimiter {
  /** Resolves when the caller may send one request; never resolves past `deadline` (epoch ms). */
  acquire(options?: { signal?: AbortSignal; deadline?: number }): Promise<void>;
}

/** Wall clock, injectable for tests. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Minimal structured logger (Powertools Logger satisfies it). Never pass secrets to it. */
export interface Log {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

/** Starts executions of one state machine (Step Functions in AWS, the local runner in the sandbox). */
export interface ExecutionStarter<Input = unknown> {
  /**
   * Starts an execution named `name`. Idempotent per name: `alreadyStarted` is true when an
   * execution of that name exists already (a redelivery, a retry, or one that already ran).
   */
  start(name: string, input: Input): Promise<{ readonly executionArn: string; readonly alreadyStarted: boolean }>;
}
