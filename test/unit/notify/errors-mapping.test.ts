import { InternalErrorException } from '@aws-sdk/client-sns';
import {
  AuthenticationError,
  BadRequestError,
  ConfigError,
  ConnectionError,
  ErrorName,
  NotFoundError,
  RateLimitedError,
  ServerError,
} from '../../../lambdas/core/errors.js';
import { classifyAwsError } from '../../../lambdas/notify/channels/aws-errors.js';
import { slackApiError } from '../../../lambdas/notify/channels/slack-bot-notifier.js';

describe('slackApiError', () => {
  it.each([
    ['ratelimited', RateLimitedError],
    ['invalid_auth', AuthenticationError],
    ['token_revoked', AuthenticationError],
    ['channel_not_found', ConfigError],
    ['message_not_found', NotFoundError],
    ['internal_error', ServerError],
    ['invalid_blocks', BadRequestError],
  ])('maps %s to the right class', (code, type) => {
    const error = slackApiError('POST chat.postMessage', 200, code);

    expect(error).toBeInstanceOf(type);
    expect(error.message).toContain(code);
  });

  it('keeps unknown codes as a non-retryable API error', () => {
    const error = slackApiError('POST chat.update', 200, 'something_new');

    expect(error.name).toBe(ErrorName.Api);
  });
});

describe('classifyAwsError', () => {
  it('makes 5xx and network failures retryable and passes others through', () => {
    const unavailable = new InternalErrorException({ message: 'down', $metadata: { httpStatusCode: 500 } });
    const reset = Object.assign(new Error('socket hang up'), { name: 'ECONNRESET' });
    const denied = Object.assign(new Error('nope'), { name: 'AuthorizationErrorException', $metadata: { httpStatusCode: 403 } });

    expect(classifyAwsError(unavailable, 'SNS Publish')).toBeInstanceOf(ServerError);
    expect(classifyAwsError(reset, 'SNS Publish')).toBeInstanceOf(ConnectionError);
    expect(classifyAwsError(denied, 'SNS Publish')).toBe(denied);
  });
});
