/**
 * The HTTP front of the simulator (node:http on loopback). Per request, in order: route, read and
 * parse the body, the ZDX rate limit, a fault decision, the handler, fault post-processing (slow,
 * malformed, wrong shape), then the reply and its recording.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FaultKind, SimulatedApi } from './config.js';
import type { SimulatorContext } from './context.js';
import { SIMULATED_CRASH_HEADER, wrongShape, type FaultPlan } from './faults.js';
import { HttpFailure, isFormEncoded, oauthError, zcspmError, zdxError, type SimResponse } from './http.js';
import type { ZdxRateLimit } from './rate-limit.js';
import { queryRecord, redact, type RecordedCall } from './recorder.js';
import { apiOfPath, zdxTransportOf, type Router } from './router.js';

const MAX_BODY_BYTES = 1024 * 1024;

/** Everything the request pipeline needs. */
export interface ServerParts {
  readonly ctx: SimulatorContext;
  readonly router: Router;
  readonly faults: FaultPlan;
  readonly rateLimit: ZdxRateLimit;
  readonly calls: RecordedCall[];
  /** Handles `/__sim/...` control requests (not recorded, never faulted); false = not a control path. */
  readonly control: (req: IncomingMessage, res: ServerResponse, path: string, body: string) => Promise<boolean>;
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** OAuth error codes (RFC 6749 §5.2 and §4.1.2.1) for the HTTP statuses the pipeline can produce. */
const OAUTH_ERROR_OF_STATUS: Readonly<Record<number, string>> = { 500: 'server_error', 503: 'temporarily_unavailable', 429: 'temporarily_unavailable' };

function apiError(api: SimulatedApi, status: number, code: string, message: string): HttpFailure {
  if (api === 'zidentity') return oauthError(status, OAUTH_ERROR_OF_STATUS[status] ?? 'invalid_request', message);
  return api === 'zdx' ? zdxError(status, code, message) : zcspmError(status, message);
}

/** JSON, or a form-encoded body (OAuth token requests) as an object of strings. */
function parseRequestBody(raw: string, contentType: string | undefined): unknown {
  if (isFormEncoded(contentType)) return Object.fromEntries(new URLSearchParams(raw));
  return JSON.parse(raw);
}

function tooManyRequests(api: SimulatedApi, retryAfterSeconds: number | undefined): HttpFailure {
  const headers: Record<string, string> = retryAfterSeconds !== undefined ? { 'Retry-After': String(retryAfterSeconds) } : {};
  if (api === 'zidentity') return oauthError(429, 'temporarily_unavailable', 'Too many token requests', headers);
  if (api === 'zcspm') {
    const message = `Rate limit is exceeded. Try again in ${retryAfterSeconds ?? 1} seconds.`;
    return new HttpFailure(429, { statusCode: 429, message }, headers);
  }
  return new HttpFailure(429, { code: 'TOO_MANY_REQUESTS', message: 'Rate limit exceeded' }, headers);
}

/** Builds the node:http server; `pendingTimers` holds slow-reply timers to clear on close. */
export function createSimulatorServer(parts: ServerParts): { server: Server; pendingTimers: Set<NodeJS.Timeout> } {
  const { ctx, router, faults, rateLimit, calls } = parts;
  const pendingTimers = new Set<NodeJS.Timeout>();
  let requestSeq = 0;

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        resolve();
      }, ms);
      pendingTimers.add(timer);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const now = ctx.clock.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const { transport, routePath } = zdxTransportOf(path);

    let raw: string;
    try {
      raw = await readBody(req);
    } catch (error) {
      const tooLarge = error instanceof BodyTooLarge;
      res.writeHead(tooLarge ? 413 : 400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: tooLarge ? 'Request body too large' : 'Could not read the request body' }));
      return;
    }
    if (await parts.control(req, res, path, raw)) return;

    const match = router.match(method, routePath);
    const api = match.kind === 'not-found' ? apiOfPath(path) : match.api;
    if (!api) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: `No API at ${path}` }));
      return;
    }

    const call: RecordedCall = { at: now, api, method, path, query: queryRecord(url.searchParams), status: 0 };
    const requestId = `sim-${(requestSeq += 1)}`;
    let headers: Record<string, string> = { 'x-request-id': requestId };
    let response: SimResponse;
    let fault: FaultKind | 'rate-limited' | undefined;

    try {
      let body: unknown;
      if (raw.trim() !== '') {
        try {
          body = parseRequestBody(raw, req.headers['content-type']);
        } catch {
          throw apiError(api, 400, 'BAD_REQUEST', 'The request body is not valid JSON');
        }
        call.body = redact(body);
      }

      const rl = ctx.config.zdx.rateLimit;
      if (api === 'zdx' && rl.enabled && (rl.includeAuthCalls || !routePath.toLowerCase().startsWith('/v1/oauth/'))) {
        const decision = rateLimit.take(now);
        headers = { ...headers, ...decision.headers };
        if (!decision.allowed) {
          fault = 'rate-limited';
          ctx.counters.rateLimited += 1;
          throw new HttpFailure(429, { code: 'TOO_MANY_REQUESTS', message: 'Rate limit exceeded' });
        }
      }

      fault = faults.decide(api, method, path);
      if (fault) ctx.counters.faultsInjected[fault] = (ctx.counters.faultsInjected[fault] ?? 0) + 1;
      switch (fault) {
        case 'connection-reset':
          call.fault = fault;
          calls.push(call);
          req.socket.destroy();
          return;
        case 'rate-limit-retry-after':
          throw tooManyRequests(api, ctx.config.faults.retryAfterSeconds);
        case 'rate-limit':
          throw tooManyRequests(api, undefined);
        case 'server-error':
          throw apiError(api, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
        case 'unavailable':
          throw apiError(api, 503, 'SERVICE_UNAVAILABLE', 'Service temporarily unavailable');
        case 'token-revoked':
          ctx.tokens.revokeAll(api);
          break;
        default:
          break;
      }

      if (match.kind === 'not-found') throw apiError(api, 404, 'NOT_FOUND', `No resource at ${method} ${path}`);
      if (match.kind === 'method-not-allowed') {
        const failure = apiError(api, 405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}`);
        throw new HttpFailure(405, failure.body, { ...failure.headers, Allow: match.allowed.join(', ') });
      }
      response = await match.handler({ api, method, path, params: match.params, query: url.searchParams, headers: req.headers, body, now, ...(transport ? { transport } : {}) });
    } catch (error) {
      if (error instanceof HttpFailure) {
        response = { status: error.status, body: error.body, headers: error.headers };
      } else {
        response = { status: 500, body: apiError(api, 500, 'SIMULATOR_BUG', String(error)).body };
      }
    }

    let text = response.body === undefined ? '' : JSON.stringify(response.body);
    if (fault === 'wrong-shape') text = JSON.stringify(wrongShape(response.body));
    if (fault === 'malformed-json') text = text.length > 1 ? text.slice(0, Math.ceil(text.length / 2)) : '{';
    if (fault === 'slow') await delay(ctx.config.faults.slowMs);

    // The reply goes out whole; the caller's invocation is what dies (see SIMULATED_CRASH_HEADER).
    if (fault === 'crash-after-side-effect') headers = { ...headers, [SIMULATED_CRASH_HEADER]: fault };

    call.status = response.status;
    if (fault) call.fault = fault;
    if (response.status === 429) ctx.counters.responses429 += 1;
    calls.push(call);
    if (res.destroyed) return;
    res.writeHead(response.status, {
      ...headers,
      ...(response.headers ?? {}),
      ...(text !== '' ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
    });
    res.end(text);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: `Simulator failure: ${String(error)}` }));
      }
    });
  });
  return { server, pendingTimers };
}
