import * as z from 'zod';
import { EnvVar, commonEnvSchema, readEnv } from '../../../../lambdas/core/config.js';
import { ConfigError } from '../../../../lambdas/core/errors.js';

const schema = z.object({
  TABLE_NAME: EnvVar.TABLE_NAME,
  ZDX_BASE_URL: EnvVar.ZDX_BASE_URL,
  ZDX_SECRET_ARN: EnvVar.ZDX_SECRET_ARN,
  ZCSPM_LICENSE_ID: EnvVar.ZCSPM_LICENSE_ID,
  ZDX_RATE_PER_MINUTE: EnvVar.ZDX_RATE_PER_MINUTE,
  ZDX_RATE_SAFETY_MARGIN: EnvVar.ZDX_RATE_SAFETY_MARGIN,
  DYNAMODB_ENDPOINT: EnvVar.DYNAMODB_ENDPOINT,
});

const valid = {
  TABLE_NAME: 'zsa-state',
  ZDX_BASE_URL: 'https://api.zdxcloud.net/',
  ZDX_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:zsa/zdx-AbC123',
  ZCSPM_LICENSE_ID: '00000000-0000-4000-8000-000000000001',
  ZDX_RATE_PER_MINUTE: '60',
};

describe('readEnv', () => {
  it('returns typed values with defaults, coercion and trailing slashes dropped', () => {
    const config = readEnv(schema, valid);

    expect(config).toEqual({
      TABLE_NAME: 'zsa-state',
      ZDX_BASE_URL: 'https://api.zdxcloud.net',
      ZDX_SECRET_ARN: valid.ZDX_SECRET_ARN,
      ZCSPM_LICENSE_ID: valid.ZCSPM_LICENSE_ID,
      ZDX_RATE_PER_MINUTE: 60,
      ZDX_RATE_SAFETY_MARGIN: 0.1,
      DYNAMODB_ENDPOINT: undefined,
    });
  });

  it('names every missing and invalid variable, without quoting values', () => {
    const env = { ...valid, TABLE_NAME: '', ZDX_SECRET_ARN: 'my-secret-value-in-an-env-var', ZDX_RATE_PER_MINUTE: '-3' };

    const error = (() => {
      try {
        readEnv(schema, env);
        return undefined;
      } catch (caught) {
        return caught as Error;
      }
    })();

    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toContain('TABLE_NAME is not set');
    expect(error?.message).toContain('ZDX_SECRET_ARN: expected a Secrets Manager secret ARN');
    expect(error?.message).toContain('ZDX_RATE_PER_MINUTE: ');
    expect(error?.message).not.toContain('my-secret-value-in-an-env-var');
  });

  it('accepts the local DynamoDB endpoint used by tests and the sandbox', () => {
    const config = readEnv(commonEnvSchema, { TABLE_NAME: 'zsa-state', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' });

    expect(config).toEqual({ TABLE_NAME: 'zsa-state', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' });
  });
});
