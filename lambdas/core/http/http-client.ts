import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import {
  ApiError,
  ConnectionError,
  ResponseShapeError,
  TimeoutError,
  ZscalerError,
  describeIssues,
  excerpt,
  toError,
} from '../errors.js';
import { systemClock, type Clock, type RateLimiter, type TokenSource } from '../ports.js';
import { abortableSleep, type Sleep } from '../wait.js';
import { buildQuery, fillPath, type PathParams, type Query } from './path.js';
import { redactSecrets } from './redact.js';
import {
  DEFAULT_BACKOFF,
  backoffDelayMs,
  headerValue,
  isRetryableStatus,
  serverRetryDelayMs,
  type BackoffOptions,
  type ResponseHeaders,
} from './retry-policy.js';

/** Options every client method accepts last. `deadline` is epoch ms (e.g. Lambda's remaining time). */
export interface CallOptions {
  readonly signal?: AbortSignal | undefined;
  readonly deadline?: number | undefined;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** What {@link HttpClientOptions.onResponse} sees after every attempt (status 0: no response). */
export interface ResponseInfo {
  /** `METHOD /path/{template}`: never the filled path, so ids stay out of metrics. */
  readonly endpoint: string;
  readonly status: number;
  /** 1 for the first attempt, counting 401 refreshes and retries. */
  readonly attempt: number;
  readonly durationMs: number;
  /** Error name when the attempt got no response (ConnectionError, TimeoutError). */
  readonly errorName?: string;
}

/** One request: the resource classes state method, path template and schema, nothing more. */
export interface RequestSpec<S extends z.ZodType> extends CallOptions {
  readonly method: HttpMethod;
  /** Path template relative to the base URL, e.g. `/v1/alerts/{id}`. */
  readonly path: string;
  readonly params?: PathParams;
  readonly query?: Query;
  /** JSON body. */
  readonly body?: unknown;
  /** Form-encoded body (`application/x-www-form-urlencoded`, as OAuth token endpoints take); instead of `body`. */
  readonly form?: Readonly<Record<string, string>>;
  /** Parses the JSON body (undefined when the body is empty). */
  readonly schema: S;
  /** Retry on 408/429/5xx/connection errors. @default true except for POST and PATCH */
  readonly idempotent?: boolean;
  readonly headers?: Readonly<Record<string, string>>;
  /** Overrides the client's token source for this request. */
  readonly tokens?: TokenSource;
  /** Overrides the client's rate limiter for this request. */
  readonly rateLimiter?: RateLimiter;
  /** Per-attempt timeout. @default the client's `timeoutMs` */
  readonly timeoutMs?: number;
  /** Extra secret values (credentials in the body) to scrub from any error text. */
  readonly sensitive?: ReadonlyArray<string | undefined>;
  /** Names the request in errors and metrics instead of `METHOD path`: for a path that is itself a secret (a webhook URL). */
  readonly endpoint?: string;
  /**
   * `schema` reads the whole {@link RawResponse} instead of the JSON body: for a reply that is not
   * JSON (a webhook's `ok`) or whose body the caller reads itself.
   */
  readonly raw?: boolean;
}

export interface HttpClientOptions {
  /** Scheme, host and optional base path, e.g. `https://api.zdxcloud.net`. */
  readonly baseUrl: string;
  /** @default the container's shared keep-alive agent (`sharedHttpAgent()` in ./agent.ts), loaded on first use */
  readonly dispatcher?: Dispatcher;
  readonly headers?: Readonly<Record<string, string>>;
  /** Per-attempt timeout in ms, trimmed to the deadline. @default 15000 */
  readonly timeoutMs?: number;
  /** Retries after the first attempt (401 refreshes not counted). @default 2 */
  readonly maxRetries?: number;
  /**
   * Fresh tokens tried after a 401 before the 401 is final. The first comes at once, later ones
   * after a backoff: a freshly minted token that is rejected too was revoked meanwhile (another
   * container's refresh, a key rotation), which passes. @default 5
   */
  readonly maxTokenRefreshes?: number;
  readonly backoff?: Partial<BackoffOptions>;
  /** A server-requested wait above this is not slept in process: the error goes up (Step Functions waits). @default 30000 */
  readonly maxServerDelayMs?: number;
  readonly tokens?: TokenSource;
  readonly rateLimiter?: RateLimiter;
  /** Secret values to scrub from every error text (credentials this client sends). */
  readonly sensitive?: ReadonlyArray<string | undefined>;
  readonly onResponse?: (info: ResponseInfo) => void;
  readonly sleep?: Sleep;
  readonly clock?: Clock;
  /** Returns [0, 1): the jitter source. */
  readonly random?: () => number;
}

/** Headers that carry a request id, in the order we prefer them. */
const REQUEST_ID_HEADERS = [
  'x-request-id',
  'x-zscaler-request-id',
  'x-ms-request-id',
  'apim-request-id',
  'request-id',
  'x-correlation-id',
  'x-amzn-requestid',
  'x-slack-req-id',
];

const MAX_LISTED_ISSUES = 5;

/** A response as received: what a {@link RequestSpec.raw} schema reads. */
export interface RawResponse {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly text: string;
}

/** A failed attempt without a response, with whether the caller stopped it. */
class AttemptError extends Error {
  constructor(
    readonly error: ZscalerError,
    readonly callerAborted: boolean,
  ) {
    super(error.message);
  }
}

/**
 * JSON-over-HTTP client for the Zscaler APIs: retries with backoff and server hints, deadline-aware,
 * bearer tokens with fresh ones after a 401, a rate limiter before every attempt, zod-parsed bodies,
 * and typed errors that never carry a secret.
 */
export class HttpClient {
  readonly baseUrl: string;
  private readonly origin: string;
  private readonly basePath: string;
  private dispatcher: Dispatcher | undefined;
  private readonly agentModule: Promise<typeof import('./agent.js')> | undefined;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxTokenRefreshes: number;
  private readonly backoff: BackoffOptions;
  private readonly maxServerDelayMs: number;
  private readonly sleep: Sleep;
  private readonly clock: Clock;
  private readonly random: () => number;

  constructor(private readonly options: HttpClientOptions) {
    const url = new URL(options.baseUrl);
    this.baseUrl = options.baseUrl;
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.dispatcher = options.dispatcher;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxRetries = options.maxRetries ?? 2;
    this.maxTokenRefreshes = options.maxTokenRefreshes ?? 5;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.maxServerDelayMs = options.maxServerDelayMs ?? 30_000;
    this.sleep = options.sleep ?? abortableSleep;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    if (this.dispatcher === undefined) {
      // Started here, not at the first request, so that reading and compiling undici's chunk overlaps
      // the invocation's first awaits (token cache read, secret fetch). A failure surfaces there.
      this.agentModule = import('./agent.js');
      this.agentModule.catch(() => undefined);
    }
  }

  /**
   * undici is not loaded at import: it is the largest module of a bundle (a chunk of its own, see
   * lib/constructs/team-bundling.ts) and several functions make no HTTP call on most paths.
   */
  private async getDispatcher(): Promise<Dispatcher> {
    this.dispatcher ??= (await (this.agentModule ?? import('./agent.js'))).sharedHttpAgent();
    return this.dispatcher;
  }

  /** A client on the same connection pool with extra default headers, secrets, tokens or limiter. */
  with(extra: Pick<HttpClientOptions, 'headers' | 'sensitive' | 'tokens' | 'rateLimiter'>): HttpClient {
    return new HttpClient({
      ...this.options,
      dispatcher: this.dispatcher,
      headers: { ...this.options.headers, ...extra.headers },
      sensitive: [...(this.options.sensitive ?? []), ...(extra.sensitive ?? [])],
      tokens: extra.tokens ?? this.options.tokens,
      rateLimiter: extra.rateLimiter ?? this.options.rateLimiter,
    });
  }

  /**
   * Sends the request and returns the body parsed by `spec.schema`.
   * Throws ApiError subclasses (non-2xx), ResponseShapeError (bad JSON or shape), ConnectionError,
   * TimeoutError (per-attempt timeout, deadline reached, or the caller's signal aborted).
   *
   * Retried in process: 408/429/5xx, connection errors and a garbled 2xx body (not JSON, wrong
   * shape) when the request is idempotent; a 401 always (the server refused the token before doing
   * anything), each time with a fresh token, up to `maxTokenRefreshes`.
   */
  async request<S extends z.ZodType>(spec: RequestSpec<S>): Promise<z.output<S>> {
    const endpoint = spec.endpoint ?? `${spec.method} ${spec.path}`;
    const path = `${this.basePath}${fillPath(spec.path, spec.params)}${buildQuery(spec.query)}`;
    const idempotent = spec.idempotent ?? (spec.method !== 'POST' && spec.method !== 'PATCH');
    const tokens = spec.tokens ?? this.options.tokens;
    const limiter = spec.rateLimiter ?? this.options.rateLimiter;
    const { signal, deadline } = spec;
    const secrets = new Set<string | undefined>([...(this.options.sensitive ?? []), ...(spec.sensitive ?? [])]);
    for (const [name, value] of Object.entries({ ...this.options.headers, ...spec.headers })) {
      if (/authorization|key|secret|token/i.test(name)) secrets.add(value);
    }
    let retries = 0;
    let refreshes = 0;

    for (let attempt = 1; ; attempt++) {
      this.assertMayStart(endpoint, signal, deadline);
      const token = tokens ? await this.tokenFor(tokens, endpoint, signal) : undefined;
      secrets.add(token);
      await limiter?.acquire({ signal, deadline });
      this.assertMayStart(endpoint, signal, deadline);

      const started = performance.now();
      let response: RawResponse;
      try {
        response = await this.send(endpoint, path, spec, token, signal, deadline, secrets);
      } catch (caught) {
        if (!(caught instanceof AttemptError)) throw caught;
        this.report({ endpoint, status: 0, attempt, durationMs: performance.now() - started, errorName: caught.error.name });
        if (caught.callerAborted || !idempotent || retries >= this.maxRetries) throw caught.error;
        await this.pause(backoffDelayMs(retries, this.random, this.backoff), caught.error, signal, deadline, endpoint);
        retries++;
        continue;
      }
      this.report({ endpoint, status: response.status, attempt, durationMs: performance.now() - started });

      if (response.status >= 200 && response.status < 300) {
        try {
          return spec.raw ? parseResponse(spec.schema, response, endpoint, secrets) : parseBody(spec.schema, response.text, endpoint, secrets);
        } catch (caught) {
          // A truncated or garbled reply to a read is transient; reading again is safe.
          if (!(caught instanceof ResponseShapeError) || !idempotent || retries >= this.maxRetries) throw caught;
          await this.pause(backoffDelayMs(retries, this.random, this.backoff), caught, signal, deadline, endpoint);
          retries++;
          continue;
        }
      }
      if (response.status === 401 && tokens && token !== undefined && refreshes < this.maxTokenRefreshes) {
        await tokens.invalidate(token);
        // The first refresh is immediate (the token simply expired or was revoked once); a fresh token
        // rejected again was revoked meanwhile, so give the revoker time before the next one.
        if (refreshes > 0) {
          const error = apiErrorOf(response, endpoint, undefined, secrets);
          await this.pause(backoffDelayMs(refreshes - 1, this.random, this.backoff), error, signal, deadline, endpoint);
        }
        refreshes++;
        continue;
      }
      const serverDelay = serverRetryDelayMs(response.status, response.headers, this.clock.now());
      const error = apiErrorOf(response, endpoint, serverDelay, secrets);
      if (!isRetryableStatus(response.status) || !idempotent || retries >= this.maxRetries) throw error;
      if (serverDelay !== undefined && serverDelay > this.maxServerDelayMs) throw error;
      await this.pause(serverDelay ?? backoffDelayMs(retries, this.random, this.backoff), error, signal, deadline, endpoint);
      retries++;
    }
  }

  private assertMayStart(endpoint: string, signal: AbortSignal | undefined, deadline: number | undefined): void {
    if (signal?.aborted) {
      throw new TimeoutError(`${endpoint} was aborted by the caller`, { endpoint }, { cause: signal.reason });
    }
    if (deadline !== undefined && this.clock.now() >= deadline) {
      throw new TimeoutError(`${endpoint} not started: the deadline has passed`, { endpoint });
    }
  }

  private async tokenFor(tokens: TokenSource, endpoint: string, signal: AbortSignal | undefined): Promise<string> {
    try {
      return await tokens.getToken(signal);
    } catch (caught) {
      if (caught instanceof ZscalerError) throw caught;
      throw new ZscalerError(`${endpoint}: could not get a token`, { cause: toError(caught) });
    }
  }

  /** Sleeps before a retry, unless that would cross the deadline: then the last error goes up. */
  private async pause(
    ms: number,
    lastError: ZscalerError,
    signal: AbortSignal | undefined,
    deadline: number | undefined,
    endpoint: string,
  ): Promise<void> {
    if (deadline !== undefined && this.clock.now() + ms >= deadline) throw lastError;
    try {
      await this.sleep(ms, signal);
    } catch (caught) {
      throw new TimeoutError(`${endpoint} was aborted by the caller while waiting to retry`, { endpoint }, { cause: caught });
    }
  }

  private async send(
    endpoint: string,
    path: string,
    spec: RequestSpec<z.ZodType>,
    token: string | undefined,
    signal: AbortSignal | undefined,
    deadline: number | undefined,
    secrets: ReadonlySet<string | undefined>,
  ): Promise<RawResponse> {
    const remaining = deadline === undefined ? Infinity : deadline - this.clock.now();
    const timeoutMs = Math.max(1, Math.min(spec.timeoutMs ?? this.timeoutMs, remaining));
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'zscaler-aws-automations',
      ...this.options.headers,
      ...spec.headers,
    };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (spec.body !== undefined) headers['content-type'] ??= 'application/json';
    if (spec.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    try {
      const response = await (await this.getDispatcher()).request({
        origin: this.origin,
        path,
        method: spec.method,
        headers,
        body: spec.form !== undefined ? new URLSearchParams(spec.form).toString() : spec.body === undefined ? null : JSON.stringify(spec.body),
        signal: combined,
      });
      const text = await response.body.text();
      return { status: response.statusCode, headers: response.headers, text };
    } catch (caught) {
      if (signal?.aborted) {
        throw new AttemptError(new TimeoutError(`${endpoint} was aborted by the caller`, { endpoint }, { cause: caught }), true);
      }
      if (timeout.aborted || isTimeoutCode(caught)) {
        throw new AttemptError(new TimeoutError(`${endpoint} did not answer within ${timeoutMs} ms`, { endpoint }, { cause: caught }), false);
      }
      const reason = redactSecrets(describeConnectionFailure(caught), secrets);
      throw new AttemptError(new ConnectionError(`${endpoint} failed: ${reason}`, { endpoint }, { cause: caught }), false);
    }
  }

  private report(info: ResponseInfo): void {
    try {
      this.options.onResponse?.(info);
    } catch {
      // A metrics hook must never break a request.
    }
  }
}

/** Parses a JSON body text (undefined when empty) with `schema`, or throws a ResponseShapeError. */
export function parseBody<S extends z.ZodType>(schema: S, text: string, endpoint: string, secrets: Iterable<string | undefined> = []): z.output<S> {
  let raw: unknown;
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch (caught) {
      const shown = excerpt(redactSecrets(text, secrets));
      throw new ResponseShapeError(`${endpoint} returned a body that is not JSON: ${shown}`, { endpoint, fields: ['(body): not JSON'] }, { cause: caught });
    }
  }
  return parseResponse(schema, raw, endpoint, secrets);
}

/**
 * Parses an already-decoded response value with `schema`, or throws a ResponseShapeError that names
 * the endpoint and every failing field (`result.jobId: ...`), the ZodError as `cause`.
 */
export function parseResponse<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  endpoint: string,
  secrets: Iterable<string | undefined> = [],
): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const known = [...secrets];
  const fields = describeIssues(parsed.error.issues).map((issue) => redactSecrets(issue, known));
  const listed = fields.slice(0, MAX_LISTED_ISSUES).join('; ');
  const more = fields.length > MAX_LISTED_ISSUES ? ` (+${fields.length - MAX_LISTED_ISSUES} more)` : '';
  throw new ResponseShapeError(`${endpoint} returned an unexpected body: ${listed}${more}`, { endpoint, fields }, { cause: parsed.error });
}

/** The typed error of a non-2xx response: status, endpoint, request id, redacted excerpt, server wait. */
function apiErrorOf(response: RawResponse, endpoint: string, serverDelayMs: number | undefined, secrets: ReadonlySet<string | undefined>): ApiError {
  return ApiError.fromResponse({
    status: response.status,
    endpoint,
    requestId: requestIdOf(response.headers),
    bodyExcerpt: excerpt(redactSecrets(response.text, secrets) || undefined),
    retryAfterSeconds: serverDelayMs === undefined ? undefined : Math.ceil(serverDelayMs / 1000),
  });
}

function requestIdOf(headers: ResponseHeaders): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headerValue(headers, name);
    if (value) return value.slice(0, 128);
  }
  return undefined;
}

function errorCode(caught: unknown): string | undefined {
  const code = (caught as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isTimeoutCode(caught: unknown): boolean {
  const code = errorCode(caught);
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}

function describeConnectionFailure(caught: unknown): string {
  const error = toError(caught);
  const code = errorCode(caught);
  return code && !error.message.includes(code) ? `${code} ${error.message}` : error.message;
}
