import type { CfnElement } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CREDENTIAL_FIELDS, Credentials, SECRET_PLACEHOLDER_PREFIX } from '../../../lib/constructs/credentials.js';
import { newStack, templateOf } from '../support.js';

interface SecretResource {
  readonly Properties: {
    readonly Description: string;
    readonly KmsKeyId: unknown;
    readonly SecretString?: string;
    readonly GenerateSecretString?: Record<string, unknown>;
  };
  readonly DeletionPolicy: string;
  readonly UpdateReplacePolicy: string;
}

function arrange() {
  const stack = newStack();
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const credentials = new Credentials(stack, 'Credentials', { encryptionKey: key });
  const secrets = templateOf(stack).findResources('AWS::SecretsManager::Secret') as Record<string, SecretResource>;
  const secretOf = (name: keyof typeof CREDENTIAL_FIELDS) => secrets[stack.getLogicalId(credentials.all[name].node.defaultChild as CfnElement)] as SecretResource;
  return { stack, key, credentials, secrets, secretOf };
}

describe('Credentials', () => {
  describe('constructor', () => {
    it('creates four secrets, each encrypted with the given key and RETAINed', () => {
      const { stack, key, secrets } = arrange();

      const keyArn = { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as CfnElement), 'Arn'] };
      expect(Object.values(secrets)).toHaveLength(4);
      for (const secret of Object.values(secrets)) {
        expect(secret.Properties.KmsKeyId).toEqual(keyArn);
        expect(secret.DeletionPolicy).toBe('Retain');
        expect(secret.UpdateReplacePolicy).toBe('Retain');
      }
    });

    it.each(['zdx', 'zcspm', 'slack'] as const)('gives the %s secret a placeholder for every field and says how to fill it', (name) => {
      const { secretOf } = arrange();

      const secret = secretOf(name);

      const value = JSON.parse(secret.Properties.SecretString ?? '{}') as Record<string, string>;
      const required = CREDENTIAL_FIELDS[name].filter((field) => !field.endsWith('?'));
      expect(Object.keys(value)).toEqual(required);
      expect(Object.values(value).every((placeholder) => placeholder.startsWith(SECRET_PLACEHOLDER_PREFIX))).toBe(true);
      expect(secret.Properties.Description).toContain('aws secretsmanager put-secret-value');
    });

    it('generates a real bearer token for the webhook secret', () => {
      const { secretOf } = arrange();

      const secret = secretOf('webhook');

      expect(secret.Properties.SecretString).toBeUndefined();
      expect(secret.Properties.GenerateSecretString).toEqual({
        SecretStringTemplate: '{}',
        GenerateStringKey: 'bearerToken',
        PasswordLength: 48,
        ExcludePunctuation: true,
      });
    });
  });
});
