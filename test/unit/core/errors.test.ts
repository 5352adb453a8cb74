import { ApiError, AuthenticationError, ErrorName, RateLimitedError, ServerError, describeIssues, excerpt } from '../../../lambdas/core/errors.js';

describe('ApiError', () => {
  describe('fromResponse', () => {
    it('builds the subclass that matches the status and names the endpoint', () => {
      const error = ApiError.fromResponse({ status: 429, endpoint: 'GET /v1/alerts/ongoing', retryAfterSeconds: 2 });

      expect(error).toBeInstanceOf(RateLimitedError);
      expect(error.name).toBe(ErrorName.RateLimited);
      expect(error.message).toBe('GET /v1/alerts/ongoing answered 429');
      expect(error.retryable).toBe(true);
    });

    it('marks 401 as not retryable and 5xx as retryable', () => {
      expect(ApiError.fromResponse({ status: 401, endpoint: 'GET /x' })).toBeInstanceOf(AuthenticationError);
      expect(ApiError.fromResponse({ status: 401, endpoint: 'GET /x' }).retryable).toBe(false);
      expect(ApiError.fromResponse({ status: 503, endpoint: 'GET /x' })).toBeInstanceOf(ServerError);
      expect(ApiError.fromResponse({ status: 503, endpoint: 'GET /x' }).retryable).toBe(true);
    });
  });
});

describe('excerpt', () => {
  it('caps long bodies', () => {
    expect(excerpt('x'.repeat(1000))?.length).toBeLessThanOrEqual(301);
    expect(excerpt({ a: 1 })).toBe('{"a":1}');
    expect(excerpt(undefined)).toBeUndefined();
  });
});

describe('describeIssues', () => {
  it('joins paths with dots', () => {
    expect(describeIssues([{ path: ['result', 'jobId'], message: 'expected string' }])).toEqual(['result.jobId: expected string']);
  });
});
