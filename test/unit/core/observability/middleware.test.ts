import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { BusyError, TimeoutError } from '../../../../lambdas/core/errors.js';
import { createLogger } from '../../../../lambdas/core/observability/logger.js';
import { withMiddleware, type HandlerContext } from '../../../../lambdas/core/observability/middleware.js';
import { clearRegisteredSecrets, registerSecret } from '../../../../lambdas/core/observability/redaction.js';
import { captureOutput } from './capture-output.js';

const SECRET = 'registered-webhook-bearer-secret';

/** A Lambda context with `remainingMs` left at invocation. */
function lambdaContext(remainingMs = 30_000): Context {
  const endsAt = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'zsa-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:zsa-test',
    memoryLimitInMB: '256',
    awsRequestId: 'request-1',
    logGroupName: '/aws/lambda/zsa-test',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => endsAt - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

describe('withMiddleware', () => {
  beforeEach(() => {
    clearRegisteredSecrets();
    registerSecret(SECRET);
  });

  it('passes an open abort signal and a deadline before the Lambda timeout to the handler', async () => {
    let seen: HandlerContext | undefined;
    const handler = withMiddleware(
      async (_event: { id: string }, context) => {
        seen = context;
        return 'done';
      },
      { logger: createLogger({ serviceName: 'test', logLevel: 'SILENT' }) },
    );
    const before = Date.now();

    const result = await handler({ id: 'x' }, lambdaContext(30_000));

    expect(result).toBe('done');
    expect(seen?.signal.aborted).toBe(false);
    expect(seen?.deadline).toBeGreaterThan(before);
    expect(seen?.deadline).toBeLessThanOrEqual(Date.now() + 29_000);
    expect(seen?.awsRequestId).toBe('request-1');
  });

  it('rethrows our typed errors unchanged and logs them', async () => {
    const thrown = new BusyError('all trace slots are taken');
    const handler = withMiddleware(
      async () => {
        throw thrown;
      },
      { logger: createLogger({ serviceName: 'test' }) },
    );
    const output = captureOutput();

    const outcome = await handler({}, lambdaContext()).catch((error: unknown) => error);
    output.restore();

    expect(outcome).toBe(thrown);
    expect(output.lines()).toContainEqual(expect.objectContaining({ message: 'handler failed (retryable)', error: expect.objectContaining({ name: 'BusyError' }) }));
  });

  it('rethrows a foreign error that carried a secret as a same-named copy with the secret removed, and logs it redacted', async () => {
    const handler = withMiddleware(
      async () => {
        const error = new Error(`request failed with Authorization ${SECRET}`);
        error.name = 'FetchError';
        throw error;
      },
      { logger: createLogger({ serviceName: 'test' }) },
    );
    const output = captureOutput();

    const outcome = (await handler({}, lambdaContext()).catch((error: unknown) => error)) as Error;
    output.restore();

    expect(outcome.name).toBe('FetchError');
    expect(outcome.message).not.toContain(SECRET);
    expect(outcome.stack).not.toContain(SECRET);
    expect(output.text()).not.toContain(SECRET);
  });

  it('aborts the signal and fails with TimeoutError shortly before the Lambda timeout when the handler hangs', async () => {
    let abortedInHandler = false;
    const handler = withMiddleware(
      (_event: unknown, context) =>
        new Promise<string>(() => {
          context.signal.addEventListener('abort', () => {
            abortedInHandler = true;
          });
        }),
      { logger: createLogger({ serviceName: 'test', logLevel: 'SILENT' }) },
    );

    const outcome = handler({}, lambdaContext(1_020));

    await expect(outcome).rejects.toBeInstanceOf(TimeoutError);
    expect(abortedInHandler).toBe(true);
  });

  it('turns the AbortError of a call cut short by the signal into TimeoutError', async () => {
    const handler = withMiddleware(
      (_event: unknown, context) =>
        new Promise<string>((_resolve, reject) => {
          context.signal.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError')));
        }),
      { logger: createLogger({ serviceName: 'test', logLevel: 'SILENT' }) },
    );

    const outcome = handler({}, lambdaContext(1_020));

    await expect(outcome).rejects.toBeInstanceOf(TimeoutError);
  });

  it('adds correlation ids to the lines of one invocation only', async () => {
    const logger = createLogger({ serviceName: 'test' });
    const handler = withMiddleware(
      async (event: { alertId?: string }) => {
        logger.info('working', { step: event.alertId ?? 'none' });
      },
      { logger },
    );
    const output = captureOutput();

    await handler({ alertId: 'alert-9' }, lambdaContext());
    await handler({}, lambdaContext());
    output.restore();

    const [first, second] = output.lines();
    expect(first).toMatchObject({ message: 'working', alertId: 'alert-9', function_request_id: 'request-1' });
    expect(second).not.toHaveProperty('alertId');
  });

  it('publishes the cold-start metric when given Metrics', async () => {
    const initializationType = process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    const metrics = new Metrics({ namespace: 'zsa-test', serviceName: 'test' });
    const handler = withMiddleware(async () => 'ok', { logger: createLogger({ serviceName: 'test', logLevel: 'SILENT' }), metrics });
    const output = captureOutput();

    try {
      await handler({}, lambdaContext());
    } finally {
      output.restore();
      if (initializationType === undefined) delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
      else process.env.AWS_LAMBDA_INITIALIZATION_TYPE = initializationType;
    }

    expect(output.text()).toContain('"ColdStart"');
  });
});
