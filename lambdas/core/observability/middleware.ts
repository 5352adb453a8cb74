/**
 * The one middy chain every Lambda handler is wrapped in.
 *
 * Order (middy runs `before` in this order and `after`/`onError` in reverse):
 * Logger context (+ correlation ids) -> Metrics (when given) -> error mapper.
 * The error mapper is used last so it runs first on failure, while the log keys are still set.
 *
 * Cold start: only the small Powertools middleware modules are imported here; the Metrics instance
 * is created by the handlers that publish metrics and passed in.
 */
import middy, { type MiddyfiedHandler, type Request } from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { TimeoutError, ZscalerError, toError } from '../errors.js';
import { extractCorrelationIds, setCorrelationIds, type CorrelationIds } from './logger.js';
import { redact } from './redaction.js';

/** The Lambda context plus the abort signal and deadline every downstream call must honour. */
export interface HandlerContext extends Context {
  /** Aborts {@link EARLY_TIMEOUT_MS} before the Lambda timeout (middy's early timeout). */
  readonly signal: AbortSignal;
  /** Epoch ms by which the handler must be done (the same instant the signal aborts); Infinity outside Lambda. */
  readonly deadline: number;
}

/** Time kept back before the Lambda timeout to fail cleanly with TimeoutError. */
const EARLY_TIMEOUT_MS = 1_000;

/** A handler written against {@link HandlerContext}. */
export type ZsaHandler<TEvent, TResult> = (event: TEvent, context: HandlerContext) => Promise<TResult>;

export interface WithMiddlewareOptions<TEvent> {
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Correlation ids for the log lines of one invocation. @default {@link extractCorrelationIds} */
  readonly correlationIds?: (event: TEvent) => CorrelationIds;
}

/**
 * Wraps `handler` in the shared middy chain: Powertools logger context (keys reset per invocation),
 * metrics (cold-start metric) when given, correlation ids, an abort signal and deadline in
 * the context, and an error mapper that logs the error redacted and rethrows it. Our typed errors
 * (ZscalerError) are rethrown unchanged so Step Functions matches their `name`; any other error is
 * rethrown as is unless its message or stack held a secret, in which case a copy with the same name
 * and redacted text is thrown instead (without `cause`, which would carry the secret along).
 */
export function withMiddleware<TEvent, TResult>(
  handler: ZsaHandler<TEvent, TResult>,
  options: WithMiddlewareOptions<TEvent>,
): MiddyfiedHandler<TEvent, TResult, Error, Context> {
  const correlationIds = options.correlationIds ?? extractCorrelationIds;
  const { logger } = options;

  const base = (event: TEvent, context: Context, { signal }: { signal: AbortSignal }): Promise<TResult> => {
    const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
    const deadline = remaining === undefined ? Number.POSITIVE_INFINITY : Date.now() + remaining - EARLY_TIMEOUT_MS;
    const handlerContext = Object.assign(Object.create(context ?? null) as Context, { signal, deadline }) as HandlerContext;
    return handler(event, handlerContext).catch((error: unknown) => {
      // A call cut short by our own early-timeout signal surfaces as the retryable TimeoutError, not AbortError.
      if (signal.aborted && !(error instanceof ZscalerError)) {
        throw new TimeoutError(`the handler was stopped ${EARLY_TIMEOUT_MS} ms before the Lambda timeout`, {}, { cause: error });
      }
      throw error;
    });
  };

  const chain = middy<TEvent, TResult, Error, Context>(base, {
    timeoutEarlyInMillis: EARLY_TIMEOUT_MS,
    timeoutEarlyResponse: () => {
      throw new TimeoutError(`the handler did not finish ${EARLY_TIMEOUT_MS} ms before the Lambda timeout`);
    },
  });
  chain.use(injectLambdaContext(logger, { resetKeys: true }));
  chain.use({
    before: (request: Request<TEvent, TResult, Error, Context>) => {
      setCorrelationIds(logger, correlationIds(request.event));
    },
  });
  if (options.metrics) chain.use(logMetrics(options.metrics, { captureColdStartMetric: true }));
  chain.use({
    onError: (request: Request<TEvent, TResult, Error, Context>) => {
      const error = toError(request.error);
      if (error instanceof ZscalerError && error.retryable) logger.warn('handler failed (retryable)', { error });
      else logger.error('handler failed', { error });
      request.error = error instanceof ZscalerError ? error : redactedCopy(error);
    },
  });
  return chain;
}

/** The error itself when it holds no secret, else a same-named copy with redacted message and stack. */
function redactedCopy(error: Error): Error {
  const message = redact(error.message);
  const stack = error.stack === undefined ? undefined : redact(error.stack);
  if (message === error.message && stack === error.stack) return error;
  const copy = new Error(message);
  copy.name = error.name;
  if (stack !== undefined) copy.stack = stack;
  return copy;
}
