/**
 * Records every call the simulator answers and keeps the counters tests assert on. Request bodies
 * are stored with every secret-like field redacted: recordings end up in test output and logs.
 */
import type { FaultKind, SimulatedApi } from './config.js';

/** One answered (or reset) request. */
export interface RecordedCall {
  /** Simulator clock (epoch ms) when the request arrived. */
  at: number;
  api: SimulatedApi;
  method: string;
  /** Path without query string, e.g. `/v1/devices/123/deeptraces`. */
  path: string;
  /** Query parameters; repeated keys become arrays. */
  query: Record<string, string | string[]>;
  /** HTTP status sent; 0 when the connection was reset. */
  status: number;
  /** The injected fault, or `rate-limited` when the ZDX rate limit rejected the call. */
  fault?: FaultKind | 'rate-limited';
  /** Parsed JSON request body with secrets replaced by `[REDACTED]`. */
  body?: unknown;
}

/** Counters tests and benchmarks read. All keys are non-secret ids. */
export interface SimulatorCounters {
  /**
   * Requests to a token endpoint (any outcome) by scope: `zdx`, `zidentity:<clientId>`, `zcspm:license`,
   * `zcspm:account:<accountId>`.
   */
  tokenRequests: Record<string, number>;
  /** Tokens actually issued, by the same scope keys. */
  tokensIssued: Record<string, number>;
  /** New scan jobs per ZCSPM account id (a rescan answered with the running job does not count). */
  scansStarted: Record<string, number>;
  /** Deep traces started per ZDX device id. */
  tracesStarted: Record<string, number>;
  /** Highest number of simultaneously active deep traces ever observed. */
  maxConcurrentActiveTraces: number;
  /** Every 429 sent (rate limit, injected fault, or trace cap when configured to 429). */
  responses429: number;
  /** 429s from the ZDX rate limit alone. */
  rateLimited: number;
  /** Faults injected, by kind. */
  faultsInjected: Partial<Record<FaultKind, number>>;
}

/** Fresh counters, all zero. */
export function emptyCounters(): SimulatorCounters {
  return {
    tokenRequests: {},
    tokensIssued: {},
    scansStarted: {},
    tracesStarted: {},
    maxConcurrentActiveTraces: 0,
    responses429: 0,
    rateLimited: 0,
    faultsInjected: {},
  };
}

/** Increments `record[key]`. */
export function bump(record: Record<string, number>, key: string, by = 1): void {
  record[key] = (record[key] ?? 0) + by;
}

const SECRET_KEY = /secret|token|password|authorization|apikey|api_key|subscription|assertion/i;

/** Deep copy of `value` with the values of secret-like keys replaced by `[REDACTED]`. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) ? '[REDACTED]' : redact(inner)]),
    );
  }
  return value;
}

/** Query parameters as a plain record, with secret-like keys redacted. */
export function queryRecord(query: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key).map((v) => (SECRET_KEY.test(key) ? '[REDACTED]' : v));
    out[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return out;
}
