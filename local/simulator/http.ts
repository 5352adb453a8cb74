/**
 * The request/response model the route handlers work with, kept apart from node:http so handlers
 * stay pure functions of (request, state) and the server owns sockets, faults and recording.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import type { SimulatedApi } from './config.js';

/** One parsed request as a handler sees it. */
export interface SimRequest {
  readonly api: SimulatedApi;
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON body (a form-encoded body as an object of strings), or undefined when the request had none. */
  readonly body: unknown;
  /** ZDX requests: `oneapi` when they came through the OneAPI prefix `/zdx/v1`, else `legacy`. */
  readonly transport?: ZdxTransport;
  /** Simulator clock, epoch ms, taken once when the request arrived. */
  readonly now: number;
}

/** The door a ZDX request came through: the legacy ZDX host (`/v1`) or the OneAPI gateway (`/zdx/v1`). */
export type ZdxTransport = 'legacy' | 'oneapi';

/** What a handler returns; the server serialises `body` as JSON. */
export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Thrown by handlers to answer with an error status and body right away. */
export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
    this.name = 'HttpFailure';
  }
}

/** A route handler: returns the response or throws {@link HttpFailure}. */
export type Handler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

/** The ZDX error body (undocumented; see assumptions `zdx-error-body`). */
export function zdxError(status: number, code: string, message: string): HttpFailure {
  return new HttpFailure(status, { code, message });
}

/**
 * An OAuth 2.0 error (RFC 6749 §5.2) as ZIdentity's token endpoint answers: `{ error, error_description }`
 * (see assumptions `zidentity-token-errors`).
 */
export function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): HttpFailure {
  return new HttpFailure(status, { error, error_description: description }, { 'Cache-Control': 'no-store', ...headers });
}

/** Whether a `Content-Type` is a form (OAuth token requests): the server parses such a body into an object of strings. */
export function isFormEncoded(contentType: string | undefined): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(contentType ?? '');
}

/** The ZCSPM envelope for errors (see assumptions `zcspm-error-body`). */
export function zcspmError(status: number, message: string): HttpFailure {
  return new HttpFailure(status, { result: null, statusCode: status, message });
}

/** The ZCSPM success envelope `{ result, statusCode: 200, message: "Request Successful" }`. */
export function zcspmOk(result: unknown): SimResponse {
  return { status: 200, body: { result, statusCode: 200, message: 'Request Successful' } };
}

/**
 * Parses `value` with `schema` or throws a 400 naming each offending field, in the error body
 * shape of the API that received it.
 */
export function parseBody<S extends z.ZodType>(api: SimulatedApi, schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(body)'}: ${issue.message}`)
    .join('; ');
  const message = `Invalid ${what}: ${details}`;
  throw api === 'zdx' ? zdxError(400, 'BAD_REQUEST', message) : zcspmError(400, message);
}

/** Reads a positive integer query parameter, or throws a 400 naming it. */
export function intQuery(request: SimRequest, name: string, options: { min?: number; max?: number } = {}): number | undefined {
  const raw = request.query.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  const min = options.min ?? 0;
  if (!Number.isInteger(value) || value < min || (options.max !== undefined && value > options.max)) {
    const range = options.max !== undefined ? `${min}..${options.max}` : `>= ${min}`;
    const message = `Query parameter "${name}" must be an integer ${range} (got "${raw}")`;
    throw request.api === 'zdx' ? zdxError(400, 'BAD_REQUEST', message) : zcspmError(400, message);
  }
  return value;
}

/** Reads an integer path parameter (ZDX ids are integers), or throws a 404 like an unknown route. */
export function intParam(request: SimRequest, name: string): number {
  const raw = request.params[name] ?? '';
  if (!/^\d{1,15}$/.test(raw)) throw zdxError(404, 'NOT_FOUND', `Unknown ${name} "${raw}"`);
  return Number(raw);
}
