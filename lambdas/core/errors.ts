/**
 * One error hierarchy for the whole project.
 *
 * Every class sets `this.name` to a string literal from {@link ErrorName}: Step Functions matches
 * `Retry`/`Catch` on `Error.name`, and the CDK state machines import the same constant, so a
 * minified bundle can never drift from the state machine definition.
 */
export const ErrorName = {
  Zscaler: 'ZscalerError',
  Api: 'ApiError',
  BadRequest: 'BadRequestError',
  Authentication: 'AuthenticationError',
  PermissionDenied: 'PermissionDeniedError',
  NotFound: 'NotFoundError',
  Conflict: 'ConflictError',
  RateLimited: 'RateLimitedError',
  ServerError: 'ServerError',
  Connection: 'ConnectionError',
  Timeout: 'TimeoutError',
  ResponseShape: 'ResponseShapeError',
  Config: 'ConfigError',
  InvalidInput: 'InvalidInputError',
  /** A shared resource (trace slot, token lease, rate budget) is busy; try again later. */
  Busy: 'BusyError',
  /** A scan or deep trace reached a terminal state that is not success. */
  JobFailed: 'JobFailedError',
  /** A token endpoint refused the API credentials themselves: a person must fix the secret. */
  CredentialsRejected: 'CredentialsRejectedError',
} as const;
export type ErrorName = (typeof ErrorName)[keyof typeof ErrorName];

/** Error names the state machines retry with backoff (transient by nature). */
export const RETRYABLE_ERROR_NAMES: readonly ErrorName[] = [
  ErrorName.RateLimited,
  ErrorName.ServerError,
  ErrorName.Connection,
  ErrorName.Timeout,
  ErrorName.Busy,
];

/**
 * How Step Functions names an invocation that died without an answer of the handler: a timeout or
 * an out-of-memory kill (`Lambda.Unknown` in the Step Functions guide; `Sandbox.Timedout` is the
 * error type current Lambda runtimes report for a timeout). The handler's side effects may have
 * happened, so only idempotent tasks may retry them, which every task of this project is.
 */
export const LAMBDA_CRASH_ERRORS: readonly string[] = ['Lambda.Unknown', 'Sandbox.Timedout'];

/** Lambda service errors worth retrying in every Task (the AWS-recommended set). */
export const LAMBDA_SERVICE_ERRORS: readonly string[] = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

const MAX_EXCERPT = 300;

/** Shortens a response body for an error message; never longer than {@link MAX_EXCERPT}. */
export function excerpt(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  const text = typeof body === 'string' ? body : safeJson(body);
  return text.length > MAX_EXCERPT ? `${text.slice(0, MAX_EXCERPT)}…` : text;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Base of every error this project raises on purpose. */
export class ZscalerError extends Error {
  override name: string = ErrorName.Zscaler;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
  /** True when a later attempt may succeed (used by in-process retries and Step Functions). */
  get retryable(): boolean {
    return (RETRYABLE_ERROR_NAMES as readonly string[]).includes(this.name);
  }
}

export interface ApiErrorDetails {
  readonly status: number;
  /** `METHOD /path` without query string or host, e.g. `GET /v1/alerts/{id}`. */
  readonly endpoint: string;
  readonly requestId?: string | undefined;
  readonly bodyExcerpt?: string | undefined;
  /** Seconds the server asked us to wait (Retry-After / RateLimit-Reset), when it said so. */
  readonly retryAfterSeconds?: number | undefined;
}

/** An HTTP response with a non-success status from a Zscaler API. */
export class ApiError extends ZscalerError {
  override name: string = ErrorName.Api;
  readonly status: number;
  readonly endpoint: string;
  readonly requestId: string | undefined;
  readonly bodyExcerpt: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, details: ApiErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.status = details.status;
    this.endpoint = details.endpoint;
    this.requestId = details.requestId;
    this.bodyExcerpt = details.bodyExcerpt;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }

  /** Builds the subclass that matches `status`. The message names the endpoint and status. */
  static fromResponse(details: ApiErrorDetails): ApiError {
    const suffix = details.bodyExcerpt ? `: ${details.bodyExcerpt}` : '';
    const message = `${details.endpoint} answered ${details.status}${suffix}`;
    const status = details.status;
    if (status === 400 || status === 422) return new BadRequestError(message, details);
    if (status === 401) return new AuthenticationError(message, details);
    if (status === 403) return new PermissionDeniedError(message, details);
    if (status === 404) return new NotFoundError(message, details);
    if (status === 409) return new ConflictError(message, details);
    if (status === 429) return new RateLimitedError(message, details);
    if (status === 408) return new RequestTimeoutError(message, details);
    if (status >= 500) return new ServerError(message, details);
    return new ApiError(message, details);
  }
}

export class BadRequestError extends ApiError {
  override name: string = ErrorName.BadRequest;
}
export class AuthenticationError extends ApiError {
  override name: string = ErrorName.Authentication;
}
export class PermissionDeniedError extends ApiError {
  override name: string = ErrorName.PermissionDenied;
}
export class NotFoundError extends ApiError {
  override name: string = ErrorName.NotFound;
}
export class ConflictError extends ApiError {
  override name: string = ErrorName.Conflict;
}
export class RateLimitedError extends ApiError {
  override name: string = ErrorName.RateLimited;
}
export class ServerError extends ApiError {
  override name: string = ErrorName.ServerError;
}
/** HTTP 408: shares the retryable `TimeoutError` name with client-side timeouts. */
export class RequestTimeoutError extends ApiError {
  override name: string = ErrorName.Timeout;
}

/** The connection failed before a response arrived (refused, reset, DNS). */
export class ConnectionError extends ZscalerError {
  override name: string = ErrorName.Connection;
  readonly endpoint: string;
  constructor(message: string, details: { endpoint: string }, options?: { cause?: unknown }) {
    super(message, options);
    this.endpoint = details.endpoint;
  }
}

/** A request or an operation ran past its deadline. */
export class TimeoutError extends ZscalerError {
  override name: string = ErrorName.Timeout;
  readonly endpoint: string | undefined;
  constructor(message: string, details: { endpoint?: string } = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.endpoint = details.endpoint;
  }
}

/**
 * A response body did not match its schema. The message names the endpoint and the failing
 * field paths; the ZodError is kept as `cause`.
 */
export class ResponseShapeError extends ZscalerError {
  override name: string = ErrorName.ResponseShape;
  readonly endpoint: string;
  readonly fields: readonly string[];
  constructor(message: string, details: { endpoint: string; fields: readonly string[] }, options?: { cause?: unknown }) {
    super(message, options);
    this.endpoint = details.endpoint;
    this.fields = details.fields;
  }
}

/** Deployment or runtime configuration is missing or invalid. The message names the key. */
export class ConfigError extends ZscalerError {
  override name: string = ErrorName.Config;
}

/** An incoming event, webhook body or CLI argument was rejected. The message says why. */
export class InvalidInputError extends ZscalerError {
  override name: string = ErrorName.InvalidInput;
  readonly issues: readonly string[];
  constructor(message: string, issues: readonly string[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.issues = issues;
  }
}

/** A shared resource is busy right now (for example every tenant trace slot is taken). */
export class BusyError extends ZscalerError {
  override name: string = ErrorName.Busy;
}

/** A ZCSPM scan or a ZDX deep trace ended in a state that is not success. */
export class JobFailedError extends ZscalerError {
  override name: string = ErrorName.JobFailed;
  readonly status: string;
  constructor(message: string, status: string, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

/**
 * A token endpoint rejected the API credentials (401/403 on the token request itself, not on a call
 * made with a token). Terminal: no retry helps until a person fixes the secret that `secret` names
 * (e.g. "ZDX API key secret"). The message names that secret, never its value.
 */
export class CredentialsRejectedError extends ZscalerError {
  override name: string = ErrorName.CredentialsRejected;
  /** Which secret to fix, in words (and its Secrets Manager id when known). */
  readonly secret: string;
  constructor(secret: string, endpoint: string, options?: { cause?: unknown }) {
    super(`credentials rejected: ${endpoint} refused the credentials; fix the ${secret}`, options);
    this.secret = secret;
  }
}

/**
 * What a token request's failure means: a 401/403 of the token endpoint itself is a
 * {@link CredentialsRejectedError} naming `secret` (the credentials are wrong or disabled; no retry
 * helps); any other error is returned unchanged.
 */
export function asCredentialsRejection(error: unknown, secret: string, endpoint: string): unknown {
  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return new CredentialsRejectedError(secret, endpoint, { cause: error });
  return error;
}

/** Narrows an unknown catch value to an Error, wrapping anything else. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : safeJson(value));
}

/** Formats zod issues as `path: message` strings, e.g. `result.jobId: expected string`. */
export function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string[] {
  return issues.map((issue) => {
    const path = issue.path.map((part) => String(part)).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}
