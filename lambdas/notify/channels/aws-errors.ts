/**
 * Gives AWS SDK failures of the notifiers the project's retryable error names, so Step
 * Functions retries a throttled or failing publish with backoff; other SDK errors (access
 * denied, a missing topic) pass through unchanged and end in the failure path.
 */
import { ConnectionError, RateLimitedError, ServerError, ZscalerError } from '../../core/errors.js';

const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded', 'Throttled']);
const NETWORK = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED']);

/** Wraps throttling, 5xx and network failures of `endpoint` (e.g. `SNS Publish`); returns others as they are. */
export function classifyAwsError(error: unknown, endpoint: string): unknown {
  if (!(error instanceof Error) || error instanceof ZscalerError) return error;
  const meta = error as Error & { $metadata?: { httpStatusCode?: number; requestId?: string }; $retryable?: { throttling?: boolean }; code?: string };
  const status = meta.$metadata?.httpStatusCode;
  const message = `${endpoint} failed: ${error.name}: ${error.message}`;
  const details = { endpoint, requestId: meta.$metadata?.requestId, bodyExcerpt: error.name };
  if (THROTTLING.has(error.name) || meta.$retryable?.throttling || status === 429) {
    return new RateLimitedError(message, { ...details, status: status ?? 429 }, { cause: error });
  }
  if (status !== undefined && status >= 500) return new ServerError(message, { ...details, status }, { cause: error });
  if (status === undefined && (NETWORK.has(error.name) || (meta.code !== undefined && NETWORK.has(meta.code)))) {
    return new ConnectionError(message, { endpoint }, { cause: error });
  }
  return error;
}
