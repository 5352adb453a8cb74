import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SharedTokenCache, tokenCacheKey } from '../../../../lambdas/core/auth/token-cache.js';
import { ConfigError } from '../../../../lambdas/core/errors.js';
import { clearRegisteredSecrets, registerSecret } from '../../../../lambdas/core/observability/redaction.js';

describe('tokenCacheKey', () => {
  it('keeps the kind readable and hashes every identifying part', () => {
    const key = tokenCacheKey('zcspm', 'https://cspmapi.example', 'sandbox-app-id', 'account-1');

    expect(key).toMatch(/^zcspm:[0-9a-f]{32}$/);
    expect(key).not.toContain('sandbox-app-id');
  });

  it('gives different keys to different scopes of one credential', () => {
    const license = tokenCacheKey('zcspm', 'host', 'app', 'license');
    const account = tokenCacheKey('zcspm', 'host', 'app', 'account-1');

    expect(license).not.toBe(account);
  });

  it('is stable across calls and containers', () => {
    const first = tokenCacheKey('zdx', 'https://api.zdxcloud.net', 'key-id');
    const second = tokenCacheKey('zdx', 'https://api.zdxcloud.net', 'key-id');

    expect(first).toBe(second);
  });
});

describe('SharedTokenCache', () => {
  describe('constructor', () => {
    afterEach(() => clearRegisteredSecrets());

    it('refuses a cache key that contains a registered secret', () => {
      registerSecret('the-api-key-secret');
      const build = () =>
        new SharedTokenCache({
          dynamo: {} as DynamoDBClient,
          tableName: 'state',
          cacheKey: 'zdx:the-api-key-secret',
          fetchToken: async () => ({ token: 't', expiresAt: 0 }),
        });

      expect(build).toThrow(ConfigError);
      expect(build).toThrow(/tokenCacheKey/);
    });
  });
});
