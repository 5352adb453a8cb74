import { MockAgent } from 'undici';
import * as z from 'zod';
import {
  AuthenticationError,
  ConnectionError,
  ErrorName,
  RateLimitedError,
  ResponseShapeError,
  ServerError,
  TimeoutError,
} from '../../../../lambdas/core/errors.js';
import { HttpClient, type HttpClientOptions, type RawResponse, type ResponseInfo } from '../../../../lambdas/core/http/http-client.js';
import type { RateLimiter, TokenSource } from '../../../../lambdas/core/ports.js';

const ORIGIN = 'https://api.test';
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const JobSchema = z.object({ result: z.object({ jobId: z.string() }) });
const OkSchema = z.object({ ok: z.boolean() });

/** Issues `token-1`, then `token-2` after an invalidation, and records what happened. */
class FakeTokens implements TokenSource {
  issued = 0;
  readonly invalidated: string[] = [];
  private current = 1;
  async getToken(): Promise<string> {
    this.issued++;
    return `token-${this.current}`;
  }
  async invalidate(token: string): Promise<void> {
    this.invalidated.push(token);
    this.current++;
  }
}

class CountingLimiter implements RateLimiter {
  readonly calls: Array<{ deadline?: number | undefined }> = [];
  async acquire(options?: { signal?: AbortSignal; deadline?: number }): Promise<void> {
    this.calls.push({ deadline: options?.deadline });
  }
}

function setup(overrides: Partial<HttpClientOptions> = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  const clock = { time: T0, now: () => clock.time };
  const sleeps: number[] = [];
  const responses: ResponseInfo[] = [];
  const http = new HttpClient({
    baseUrl: ORIGIN,
    dispatcher: agent,
    clock,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.time += ms;
    },
    onResponse: (info) => responses.push(info),
    ...overrides,
  });
  return { agent, pool, http, clock, sleeps, responses };
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const record = headers as Record<string, string | undefined>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : record[key];
}

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}

describe('HttpClient', () => {
  let ctx: ReturnType<typeof setup>;

  afterEach(async () => {
    ctx.agent.assertNoPendingInterceptors();
    await ctx.agent.close();
  });

  describe('request', () => {
    it('returns the body parsed by its schema, with encoded path params and repeated query keys', async () => {
      ctx = setup();
      let seenPath = '';
      ctx.pool.intercept({ path: (path) => path.startsWith('/v1/alerts/'), method: 'GET' }).reply((options) => {
        seenPath = options.path;
        return { statusCode: 200, data: { result: { jobId: 'job-1' } } };
      });

      const body = await ctx.http.request({
        method: 'GET',
        path: '/v1/alerts/{id}',
        params: { id: 'a/b c' },
        query: { loc: [1, 2], skip: undefined, q: 'x y' },
        schema: JobSchema,
      });

      expect(body).toEqual({ result: { jobId: 'job-1' } });
      expect(seenPath).toBe('/v1/alerts/a%2Fb%20c?loc=1&loc=2&q=x+y');
      expect(ctx.responses).toEqual([expect.objectContaining({ endpoint: 'GET /v1/alerts/{id}', status: 200, attempt: 1 })]);
    });

    it('keeps the base URL path prefix in front of every path', async () => {
      ctx = setup({ baseUrl: `${ORIGIN}/zdx/` });
      ctx.pool.intercept({ path: '/zdx/v1/oauth/validate' }).reply(200, { ok: true });

      const body = await ctx.http.request({ method: 'GET', path: '/v1/oauth/validate', schema: OkSchema });

      expect(body).toEqual({ ok: true });
    });

    it('retries a 503 with capped exponential backoff and full jitter, then succeeds', async () => {
      ctx = setup();
      ctx.pool.intercept({ path: '/x' }).reply(503, 'busy').times(2);
      ctx.pool.intercept({ path: '/x' }).reply(200, { ok: true });

      const body = await ctx.http.request({ method: 'GET', path: '/x', schema: OkSchema });

      expect(body).toEqual({ ok: true });
      expect(ctx.sleeps).toEqual([250, 500]);
      expect(ctx.responses.map((info) => [info.status, info.attempt])).toEqual([
        [503, 1],
        [503, 2],
        [200, 3],
      ]);
    });

    it('caps the backoff at maxDelayMs', async () => {
      ctx = setup({ random: () => 0.999, maxRetries: 3, backoff: { initialDelayMs: 1_000, maxDelayMs: 1_500 } });
      ctx.pool.intercept({ path: '/x' }).reply(500, '').times(3);
      ctx.pool.intercept({ path: '/x' }).reply(200, { ok: true });

      await ctx.http.request({ method: 'GET', path: '/x', schema: OkSchema });

      expect(ctx.sleeps).toEqual([999, 1_498, 1_498]);
    });

    it('throws a ServerError with status, endpoint, request id and excerpt after the last retry', async () => {
      ctx = setup();
      ctx.pool
        .intercept({ path: '/v1/devices/42' })
        .reply(502, { code: 'BAD_GATEWAY', message: 'upstream down' }, { headers: { 'x-request-id': 'req-7' } })
        .times(3);

      const error = await caught(ctx.http.request({ method: 'GET', path: '/v1/devices/{id}', params: { id: 42 }, schema: OkSchema }));

      expect(error).toBeInstanceOf(ServerError);
      expect(error).toMatchObject({
        name: ErrorName.ServerError,
        status: 502,
        endpoint: 'GET /v1/devices/{id}',
        requestId: 'req-7',
        bodyExcerpt: '{"code":"BAD_GATEWAY","message":"upstream down"}',
      });
      expect(error.message).toBe('GET /v1/devices/{id} answered 502: {"code":"BAD_GATEWAY","message":"upstream down"}');
      expect(ctx.sleeps).toHaveLength(2);
    });

    it.each([
      ['x-ms-request-id', 'ms-1'],
      ['apim-request-id', 'apim-1'],
      ['x-zscaler-request-id', 'zs-1'],
    ])('reads the request id from %s', async (header, value) => {
      ctx = setup();
      ctx.pool.intercept({ path: '/x' }).reply(404, '', { headers: { [header]: value } });

      const error = await caught(ctx.http.request({ method: 'GET', path: '/x', schema: OkSchema }));

      expect(error).toMatchObject({ name: ErrorName.NotFound, requestId: value });
    });

    it('does not retry a 4xx other than 408 and 429', async () => {
      ctx = setup();
      ctx.pool.intercept({ path: '/x' }).reply(400, { message: 'bad' });

      const error = await caught(ctx.http.request({ method: 'GET', path: '/x', schema: OkSchema }));

      expect(error).toMatchObject({ name: ErrorName.BadRequest, status: 400 });
      expect(ctx.sleeps).toEqual([]);
    });

    it('retries a 408 like a 5xx', async () => {
      ctx = setup();
      ctx.pool.intercept({ path: '/x' }).reply(408, '');
      ctx.pool.intercept({ path: '/x' }).reply(200, { ok: true });

      await ctx.http.request({ method: 'GET', path: '/x', schema: OkSchema });

      expect(ctx.sleeps).toEqual([250]);
    });

    it('honours Retry-After in seconds on a 429', async () => {
      ctx = setup();
      ctx.pool.intercept({ path: '/x' }).reply(429, '', { headers: { 'retry-after': '3' } });
      ctx.pool.intercept({ path: '/x' }).reply(200, { ok: true });

      await ctx.http.request({ method: 'GET', path: '/x', schema: OkSchema });

      expect(ctx.sleeps).toEqual([3_000]);
    });

    it('honours Retry-After as an HTTP date', async () => {
      ctx = setup();
      const at = new Date(T0 + 4_000).toUTCString();
      ctx.pool.intercept({ path: '/x' }).reply(503, '', { headers: { 'retry-after': at } });
      ctx.pool.intercept({ path: '/x' }).reply(200, { ok: true });

      await ctx.http.request({ method: 'GET', path: '/x', schema: OkSchema });

      expect(ctx.sleeps).toEqual([4_000]);
    });

    it('honours RateLimit-Reset given as epoch seconds (the ZDX documentation)', async () => {
      ctx = setup();
      ctx.pool.intercept({ path: '/x' }).reply(429, '', { headers: { 'ratelimit-reset': String(T0 / 1000 + 2), 'ratelimit-remaining': '0' } });
      ctx.pool.intercept({ path: '/x' }).reply(200, { ok: true });

      await ctx.http.request({ method: 'GET', path: '/x', schema: OkSchema });

      expect(ctx.sleeps).toEqual([2_000]);
    });

    it('honours RateLimit-Reset given as delta seconds', async () => {
      ctx = setup();
      ctx.pool.intercept({ path: '/x' }).reply(429, '', { headers: { 'ratelimit-reset': '5' } });
      ctx.pool.intercept({ path: '/x' }).reply(200, { ok: true });

      await ctx.http.request({ method: 'GET', path: '/x', schema: OkSchema });

      expect(ctx.sleeps).toEqual([5_000]);
    });

    it('honours X-Ratelimit-Reset and X-Ratelimit-Remaining-Second', async () => {
      ctx = setup();
      ctx.pool.intercept({ path: '/x' }).reply(429, '', { headers: { 'x-ratelimit-reset': '2' } });
      ctx.pool.intercept({ path: '/x' }).reply(429, '', { headers: { 'x-ratelimit-remaining-second': '0' } });
      ctx.pool.intercept({ path: '/x' }).reply(200, { ok: true });

      await ctx.http.request({ method: 'GET', path: '/x', schema: OkSchema });

      expect(ctx.sleeps).toEqual([2_000, 1_000]);
    });

    it('never sleeps past the deadline: the 429 goes up with the server-requested wait', async () => {
      ctx = setup();
      ctx.pool.intercept({ path: '/x' }).reply(429, '', { headers: { 'retry-after': '10' } });

      const error = await caught(ctx.http.request({ method: 'GET', path: '/x', schema: OkSchema, deadline: T0 + 5_000 }));

      expect(error).toBeInstanceOf(RateLimitedError);
      expect(error).toMatchObject({ retryAfterSeconds: 10, endpoint: 'GET /x' });
      expect(ctx.sleeps).toEqual([]);
    });

    it('never starts a request once the deadline has passed', async () => {
      ctx = setup();

      const error = await caught(ctx.http.request({ method: 'GET', path: '/x', schema: OkSchema, deadline: T0 }));

      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.message).toBe('GET /x not started: the deadline has passed');
      expect(ctx.responses).toEqual([]);
    });

    it('stops retrying when the next backoff would cross the deadline', async () => {
      ctx = setup();
      ctx.pool.intercept({ path: '/x' }).reply(503, '');
      ctx.pool.intercept({ path: '/x' }).reply(503, '');

      const error = await caught(ctx.http.request({ method: 'GET', path: '/x', schema: OkSchema, deadline: T0 + 600 }));

      expect(error).toBeInstanceOf(ServerError);
      expect(ctx.sleeps).toEqual([250]);
    });

    it('does not sleep a server-requested wait above maxServerDelayMs', async () => {
      ctx = setup({ maxServerDelayMs: 5_000 });
      ctx.pool.intercept({ path: '/x' }).reply(429, '', { headers: { 'retry-after': '60' } });

      const error = await caught(ctx.http.request({ method: 'GET', path: '/x', schema: OkSchema }));

      expect(error).toMatchObject({ name: ErrorName.RateLimited, retryAfterSeconds: 60 });
      expect(ctx.sleeps).toEqual([]);
    });

    it('retries connection errors, then throws a ConnectionError naming the endpoint', async () => {
      ctx = setup();
      const reset = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
      ctx.pool.intercept({ path: '/v1/alerts/7' }).replyWithError(reset).times(3);

      const error = await caught(ctx.http.request({ method: 'GET', path: '/v1/alerts/{id}', params: { id: 7 }, schema: OkSchema }));

      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ endpoint: 'GET /v1/alerts/{id}' });
      expect(error.message).toContain('GET /v1/alerts/{id} failed');
      expect(ctx.sleeps).toEqual([250, 500]);
      expect(ctx.responses.map((info) => [info.status, info.errorName])).toEqual([
        [0, ErrorName.Connection],
        [0, ErrorName.Connection],
        [0, ErrorName.Connection],
      ]);
    });

    it('recovers from one connection reset', async () => {
      ctx = setup();
      ctx.pool.intercept({ path: '/x' }).replyWithError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
      ctx.pool.intercept({ path: '/x' }).reply(200, { ok: true });

      const body = await ctx.http.request({ method: 'GET', path: '/x', schema: OkSchema });

      expect(body).toEqual({ ok: true });
    });

    it('does not retry a POST that is not declared idempotent', async () => {
      ctx = setup();
      ctx.pool.intercept({ path: '/x', method: 'POST' }).reply(503, '');

      const error = await caught(ctx.http.request({ method: 'POST', path: '/x', body: { a: 1 }, schema: OkSchema }));

      expect(error).toBeInstanceOf(ServerError);
      expect(ctx.sleeps).toEqual([]);
    });

    it('does not retry a GET declared not idempotent (e.g. one that starts a scan)', async () => {
      ctx = setup();
      ctx.pool.intercept({ path: '/x' }).replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));

      const error = await caught(ctx.http.request({ method: 'GET', path: '/x', idempotent: false, schema: OkSchema }));

      expect(error).toBeInstanceOf(ConnectionError);
    });

    it('retries a POST declared idempotent and sends its JSON body', async () => {
      ctx = setup();
      const bodies: string[] = [];
      ctx.pool
        .intercept({ path: '/x', method: 'POST' })
        .reply((options) => {
          bodies.push(String(options.body));
          return { statusCode: 500, data: '' };
        });
      ctx.pool.intercept({ path: '/x', method: 'POST' }).reply((options) => {
        bodies.push(String(options.body));
        expect(headerOf(options.headers, 'content-type')).toBe('application/json');
        return { statusCode: 200, data: { ok: true } };
      });

      const body = await ctx.http.request({ method: 'POST', path: '/x', body: { a: 1 }, idempotent: true, schema: OkSchema });

      expect(body).toEqual({ ok: true });
      expect(bodies).toEqual(['{"a":1}', '{"a":1}']);
    });

    it('sends the bearer token and, after a 401, invalidates it and retries once with a fresh one', async () => {
      ctx = setup();
      const tokens = new FakeTokens();
      const seen: Array<string | undefined> = [];
      ctx.pool
        .intercept({ path: '/x', method: 'POST' })
        .reply((options) => {
          seen.push(headerOf(options.headers, 'authorization'));
          return { statusCode: seen.length === 1 ? 401 : 200, data: seen.length === 1 ? { message: 'expired' } : { ok: true } };
        })
        .times(2);

      const body = await ctx.http.request({ method: 'POST', path: '/x', body: {}, tokens, schema: OkSchema });

      expect(body).toEqual({ ok: true });
      expect(seen).toEqual(['Bearer token-1', 'Bearer token-2']);
      expect(tokens.invalidated).toEqual(['token-1']);
      expect(ctx.sleeps).toEqual([]);
    });

    it('retries a 401 with fresh tokens, backing off after the first, and throws an AuthenticationError after the last', async () => {
      ctx = setup({ maxTokenRefreshes: 3 });
      const tokens = new FakeTokens();
      ctx.pool.intercept({ path: '/x' }).reply(401, { message: 'no' }).times(4);

      const error = await caught(ctx.http.request({ method: 'GET', path: '/x', tokens, schema: OkSchema }));

      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as AuthenticationError).retryable).toBe(false);
      expect(tokens.invalidated).toEqual(['token-1', 'token-2', 'token-3']);
      expect(tokens.issued).toBe(4);
      // Full jitter at random 0.5: half of 500 ms, then half of 1000 ms.
      expect(ctx.sleeps).toEqual([250, 500]);
    });

    it('succeeds when a freshly refreshed token was revoked too and the next one is accepted', async () => {
      ctx = setup();
      const tokens = new FakeTokens();
      const seen: Array<string | undefined> = [];
      ctx.pool
        .intercept({ path: '/x', method: 'POST' })
        .reply((options) => {
          seen.push(headerOf(options.headers, 'authorization'));
          return seen.length < 3 ? { statusCode: 401, data: JSON.stringify({ message: 'revoked' }) } : { statusCode: 200, data: JSON.stringify({ ok: true }) };
        })
        .times(3);

      // Not idempotent: a 401 is still retried, the server refused the request before doing anything.
      const body = await ctx.http.request({ method: 'POST', path: '/x', body: {}, tokens, schema: OkSchema });

      expect(body).toEqual({ ok: true });
      expect(seen).toEqual(['Bearer token-1', 'Bearer token-2', 'Bearer token-3']);
      expect(ctx.sleeps).toEqual([250]);
    });

    it('acquires the rate limiter before every attempt, passing the deadline', async () => {
      ctx = setup();
      const limiter = new CountingLimiter();
      const tokens = new FakeTokens();
      ctx.pool.intercept({ path: '/x' }).reply(401, '');
      ctx.pool.intercept({ path: '/x' }).reply(503, '');
      ctx.pool.intercept({ path: '/x' }).reply(200, { ok: true });

      await ctx.http.request({ method: 'GET', path: '/x', tokens, rateLimiter: limiter, schema: OkSchema, deadline: T0 + 60_000 });

      expect(limiter.calls).toEqual([{ deadline: T0 + 60_000 }, { deadline: T0 + 60_000 }, { deadline: T0 + 60_000 }]);
    });

    it('throws a ResponseShapeError naming the endpoint template and the failing field', async () => {
      ctx = setup();
      ctx.pool.intercept({ path: '/v1/alerts/123' }).reply(200, { result: { jobId: 42 } }).times(3);

      const error = await caught(ctx.http.request({ method: 'GET', path: '/v1/alerts/{id}', params: { id: '123' }, schema: JobSchema }));

      expect(error).toBeInstanceOf(ResponseShapeError);
      expect(error).toMatchObject({ name: ErrorName.ResponseShape, endpoint: 'GET /v1/alerts/{id}' });
      expect((error as ResponseShapeError).fields).toEqual([expect.stringMatching(/^result\.jobId: .*expected string/)]);
      expect(error.message).toMatch(/^GET \/v1\/alerts\/\{id\} returned an unexpected body: result\.jobId: /);
      expect(error.message).not.toContain('123');
    });

    it('throws a ResponseShapeError for a body that is not JSON', async () => {
      ctx = setup();
      ctx.pool.intercept({ path: '/x', method: 'POST' }).reply(200, '{"ok": tru');

      const error = await caught(ctx.http.request({ method: 'POST', path: '/x', body: {}, schema: OkSchema }));

      expect(error).toBeInstanceOf(ResponseShapeError);
      expect(error.message).toBe('POST /x returned a body that is not JSON: {"ok": tru');
    });

    it('reads again after a garbled reply to an idempotent request (truncated JSON, then a wrong shape)', async () => {
      ctx = setup();
      ctx.pool.intercept({ path: '/x' }).reply(200, '{"ok": tru');
      ctx.pool.intercept({ path: '/x' }).reply(200, { ok: 'yes' });
      ctx.pool.intercept({ path: '/x' }).reply(200, { ok: true });

      const body = await ctx.http.request({ method: 'GET', path: '/x', schema: OkSchema });

      expect(body).toEqual({ ok: true });
      expect(ctx.sleeps).toEqual([250, 500]);
    });

    it('does not repeat a request that is not idempotent after a garbled reply (it may have started something)', async () => {
      ctx = setup();
      ctx.pool.intercept({ path: '/x', method: 'POST' }).reply(200, { ok: 'yes' });

      const error = await caught(ctx.http.request({ method: 'POST', path: '/x', body: {}, schema: OkSchema }));

      expect(error).toBeInstanceOf(ResponseShapeError);
      expect(ctx.responses).toHaveLength(1);
    });

    it('parses an empty body as undefined', async () => {
      ctx = setup();
      ctx.pool.intercept({ path: '/x', method: 'DELETE' }).reply(204, '');

      const body = await ctx.http.request({ method: 'DELETE', path: '/x', schema: z.undefined() });

      expect(body).toBeUndefined();
    });

    it('never puts a credential into an error message or excerpt', async () => {
      const secret = 'sandbox-key-secret-123';
      const key = 'subscription-key-abc';
      ctx = setup({ headers: { 'Ocp-Apim-Subscription-Key': key } });
      const tokens = new FakeTokens();
      const echo = JSON.stringify({ message: `bad key ${key}`, Secret: 'whatever', token: 'token-1', echoed: secret, auth: 'Bearer token-1' });
      ctx.pool.intercept({ path: '/x', method: 'POST' }).reply(400, echo);

      const error = await caught(ctx.http.request({ method: 'POST', path: '/x', body: { Secret: secret }, tokens, sensitive: [secret], schema: OkSchema }));

      const text = `${error.message} ${JSON.stringify(error)}`;
      for (const value of [secret, key, 'token-1', 'whatever']) expect(text).not.toContain(value);
      expect(error.message).toContain('[REDACTED]');
    });

    it('names a request by its endpoint label, keeps its content type, and hands a raw schema the whole reply', async () => {
      ctx = setup();
      let contentType: string | undefined;
      ctx.pool.intercept({ path: '/hook/secret-path', method: 'POST' }).reply((options) => {
        contentType = headerOf(options.headers, 'content-type');
        return { statusCode: 200, data: 'ok' };
      });
      ctx.pool.intercept({ path: '/hook/secret-path', method: 'POST' }).reply(400, 'invalid_payload');
      const post = () =>
        ctx.http.request({
          method: 'POST',
          path: '/hook/secret-path',
          endpoint: 'POST hook',
          body: { text: 'hi' },
          headers: { 'content-type': 'application/json; charset=utf-8' },
          idempotent: true,
          raw: true,
          schema: z.custom<RawResponse>(),
        });

      const reply = await post();
      const error = await caught(post());

      expect(reply).toMatchObject({ status: 200, text: 'ok' });
      expect(contentType).toBe('application/json; charset=utf-8');
      expect(error.message).toBe('POST hook answered 400: invalid_payload');
      expect(ctx.responses.map((info) => info.endpoint)).toEqual(['POST hook', 'POST hook']);
      expect(ctx.sleeps).toEqual([]);
    });

    it('stops at once when the caller aborts, without retrying', async () => {
      ctx = setup();
      const controller = new AbortController();
      ctx.pool.intercept({ path: '/x' }).reply(200, { ok: true }).delay(5_000);

      const pending = ctx.http.request({ method: 'GET', path: '/x', schema: OkSchema, signal: controller.signal });
      setTimeout(() => controller.abort(new Error('lambda timeout')), 10);
      const error = await caught(pending);

      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.message).toBe('GET /x was aborted by the caller');
      expect(ctx.sleeps).toEqual([]);
    });

    it('sends nothing when the signal is already aborted', async () => {
      ctx = setup();

      const error = await caught(ctx.http.request({ method: 'GET', path: '/x', schema: OkSchema, signal: AbortSignal.abort() }));

      expect(error).toBeInstanceOf(TimeoutError);
      expect(ctx.responses).toEqual([]);
    });

    it('times out an attempt after timeoutMs and names the endpoint', async () => {
      ctx = setup({ timeoutMs: 20, maxRetries: 1 });
      ctx.pool.intercept({ path: '/x' }).reply(200, { ok: true }).delay(2_000).times(2);

      const error = await caught(ctx.http.request({ method: 'GET', path: '/x', schema: OkSchema }));

      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.message).toBe('GET /x did not answer within 20 ms');
      expect(ctx.sleeps).toEqual([250]);
    });
  });

  describe('with', () => {
    it('adds default headers on the same connection pool', async () => {
      ctx = setup();
      let seen: string | undefined;
      ctx.pool.intercept({ path: '/x' }).reply((options) => {
        seen = headerOf(options.headers, 'x-extra');
        return { statusCode: 200, data: { ok: true } };
      });

      await ctx.http.with({ headers: { 'x-extra': 'yes' } }).request({ method: 'GET', path: '/x', schema: OkSchema });

      expect(seen).toBe('yes');
    });
  });
});
