/**
 * Test-only pieces for the contract tests: a minimal in-memory TokenSource over fetchZdxToken /
 * fetchZcspmToken (so these tests exercise the API clients alone; the shared DynamoDB token cache has
 * its own tests), and helpers to drain async iterators and catch errors.
 */
import type { FetchedToken } from '../../../lambdas/core/auth/token-cache.js';
import type { TokenSource } from '../../../lambdas/core/ports.js';

/** Caches one token in memory; concurrent callers share one fetch; `invalidate` drops it. */
export class MemoryTokenSource implements TokenSource {
  fetches = 0;
  readonly invalidated: string[] = [];
  private current: Promise<FetchedToken> | undefined;

  constructor(private readonly fetchToken: (signal?: AbortSignal) => Promise<FetchedToken>) {}

  async getToken(signal?: AbortSignal): Promise<string> {
    if (this.current) {
      const cached = await this.current.catch(() => undefined);
      if (cached && cached.expiresAt - 60_000 > Date.now()) return cached.token;
    }
    this.fetches++;
    this.current = this.fetchToken(signal);
    return (await this.current).token;
  }

  async invalidate(token: string): Promise<void> {
    this.invalidated.push(token);
    const cached = await this.current?.catch(() => undefined);
    if (cached?.token === token) this.current = undefined;
  }
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (caught: Error) => caught,
  );
}

/** Everything an error could show a reader: message, own fields, and the cause chain's messages. */
export function everythingShown(error: Error): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    parts.push(current.name, current.message, JSON.stringify(current), String(current.stack ?? ''));
    current = current.cause;
  }
  return parts.join('\n');
}

/** Polls `check` every `intervalMs` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5_000, intervalMs = 10): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
