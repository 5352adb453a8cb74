import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { ConfigError } from '../../../../lambdas/core/errors.js';
import { createLogger } from '../../../../lambdas/core/observability/logger.js';
import { clearRegisteredSecrets, redact } from '../../../../lambdas/core/observability/redaction.js';
import { SlackSettings, WebhookCredentials, ZcspmCredentials, ZdxCredentials } from '../../../../lambdas/core/secrets/schemas.js';
import { SecretsProvider, secretNameFromArn } from '../../../../lambdas/core/secrets/secrets-provider.js';
import { captureOutput } from '../observability/capture-output.js';
import { manualClock } from '../../../helpers/clock.js';

const ZDX_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:zsa/zdx-AbC123';
const ZDX_SECRET = { keyId: 'key-id-123', keySecret: 'super-secret-zdx-value' };

/** The error a promise rejects with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}

function namedError(name: string): Error {
  const error = new Error(`${name}: details`);
  error.name = name;
  return error;
}

describe('SecretsProvider', () => {
  const secretsManager = mockClient(SecretsManagerClient);
  let client: SecretsManagerClient;

  beforeEach(() => {
    secretsManager.reset();
    clearRegisteredSecrets();
    client = new SecretsManagerClient({ region: 'eu-west-1' });
  });

  describe('get', () => {
    it('returns the parsed secret and reuses it until the max age passes', async () => {
      secretsManager.on(GetSecretValueCommand, { SecretId: ZDX_ARN }).resolves({ SecretString: JSON.stringify(ZDX_SECRET) });
      const clock = manualClock();
      const provider = new SecretsProvider({ client, maxAgeSeconds: 60, clock });

      const first = await provider.get(ZDX_ARN, ZdxCredentials);
      clock.advance(59_000);
      const cached = await provider.get(ZDX_ARN, ZdxCredentials);
      clock.advance(1_000);
      const refetched = await provider.get(ZDX_ARN, ZdxCredentials);

      expect(first).toEqual(ZDX_SECRET);
      expect(cached).toEqual(ZDX_SECRET);
      expect(refetched).toEqual(ZDX_SECRET);
      expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    });

    it('shares one fetch between concurrent callers', async () => {
      secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(ZDX_SECRET) });
      const provider = new SecretsProvider({ client });

      await Promise.all(Array.from({ length: 5 }, () => provider.get(ZDX_ARN, ZdxCredentials)));

      expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    });

    it('never caches a failed fetch', async () => {
      secretsManager
        .on(GetSecretValueCommand)
        .rejectsOnce(namedError('InternalServiceError'))
        .resolves({ SecretString: JSON.stringify(ZDX_SECRET) });
      const provider = new SecretsProvider({ client });

      await expect(provider.get(ZDX_ARN, ZdxCredentials)).rejects.toThrow('InternalServiceError');
      const second = await provider.get(ZDX_ARN, ZdxCredentials);

      expect(second).toEqual(ZDX_SECRET);
      expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    });

    it('reports a missing secret as ConfigError naming the secret', async () => {
      secretsManager.on(GetSecretValueCommand).rejects(namedError('ResourceNotFoundException'));
      const provider = new SecretsProvider({ client });

      const read = provider.get(ZDX_ARN, ZdxCredentials);

      await expect(read).rejects.toThrow(ConfigError);
      await expect(read).rejects.toThrow('secret zsa/zdx could not be read: ResourceNotFoundException');
    });

    it('rejects a value that is not JSON without quoting it', async () => {
      secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'keySecret=plain-text-secret-value' });
      const provider = new SecretsProvider({ client });

      const error = await rejection(provider.get(ZDX_ARN, ZdxCredentials));

      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toBe('secret zsa/zdx is not valid JSON');
    });

    it('names the failing key but never a value when the schema rejects the secret, and refetches next time', async () => {
      secretsManager
        .on(GetSecretValueCommand)
        .resolvesOnce({ SecretString: JSON.stringify({ keyId: 'visible-id', keySecret: 12345678 }) })
        .resolves({ SecretString: JSON.stringify(ZDX_SECRET) });
      const provider = new SecretsProvider({ client });

      const error = await rejection(provider.get(ZDX_ARN, ZdxCredentials));
      const fixed = await provider.get(ZDX_ARN, ZdxCredentials);

      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(/^secret zsa\/zdx is invalid: keySecret: /);
      expect(error.message).not.toContain('12345678');
      expect(error.message).not.toContain('visible-id');
      expect(fixed).toEqual(ZDX_SECRET);
    });

    it('registers every fetched value with the redactor', async () => {
      secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(ZDX_SECRET) });
      const provider = new SecretsProvider({ client });

      await provider.get(ZDX_ARN, ZdxCredentials);
      const text = redact(`calling with ${ZDX_SECRET.keySecret} as ${ZDX_SECRET.keyId}`);

      expect(text).toBe('calling with [REDACTED] as [REDACTED]');
    });

    it('leaves no trace of a fetched secret in log lines, even when the secret object itself is logged', async () => {
      const slack = { webhookUrl: 'https://hooks.example.com/services/T1/B2/opaque-part', botToken: 'bot-token-value-xyz', channel: 'C0123456' };
      secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(slack) });
      const logger = createLogger({ serviceName: 'test' });
      const provider = new SecretsProvider({ client });
      const settings = await provider.get(ZDX_ARN, SlackSettings);
      const output = captureOutput();

      try {
        logger.info('loaded settings', { settings, copied: { url: settings.webhookUrl } });
        logger.warn(`posting to ${settings.webhookUrl} with ${settings.botToken}`);
      } finally {
        output.restore();
      }

      expect(output.lines()).toHaveLength(2);
      for (const value of Object.values(slack)) expect(output.text()).not.toContain(value);
    });
  });
});

describe('secretNameFromArn', () => {
  it('strips the ARN prefix and the random suffix, and passes plain names through', () => {
    const names = [secretNameFromArn(ZDX_ARN), secretNameFromArn('zsa/slack')];

    expect(names).toEqual(['zsa/zdx', 'zsa/slack']);
  });
});

describe('secret schemas', () => {
  it('accept the documented shapes', () => {
    const results = [
      ZcspmCredentials.safeParse({ applicationId: 'a', applicationSecret: 'b', subscriptionKey: 'c' }).success,
      SlackSettings.safeParse({ webhookUrl: 'https://hooks.slack.com/services/T/B/X' }).success,
      SlackSettings.safeParse({ botToken: 'xoxb-1', channel: 'C123' }).success,
      WebhookCredentials.safeParse({ bearerToken: 'a-long-enough-bearer-token' }).success,
      WebhookCredentials.safeParse({ basic: { username: 'zdx', password: 'long-password' } }).success,
    ];

    expect(results).toEqual([true, true, true, true, true]);
  });

  it('reject settings that cannot deliver or authenticate anything', () => {
    const results = [
      SlackSettings.safeParse({}).success,
      SlackSettings.safeParse({ botToken: 'xoxb-1' }).success,
      SlackSettings.safeParse({ webhookUrl: 'http://hooks.slack.com/services/T/B/X' }).success,
      WebhookCredentials.safeParse({}).success,
      ZcspmCredentials.safeParse({ applicationId: 'a', applicationSecret: 'b' }).success,
    ];

    expect(results).toEqual([false, false, false, false, false]);
  });
});
