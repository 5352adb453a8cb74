import type { CfnElement } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { TABLE_KEYS } from '../../../lambdas/core/store/table-schema.js';
import { StateTable } from '../../../lib/constructs/state-table.js';
import { newStack, templateOf } from '../support.js';

describe('StateTable', () => {
  describe('constructor', () => {
    it('creates the shared table: pk/sk keys, on demand, PITR, TTL on expiresAt, the given KMS key, RETAIN', () => {
      const stack = newStack();
      const key = new kms.Key(stack, 'Key');

      new StateTable(stack, 'State', { encryptionKey: key });

      templateOf(stack).hasResource('AWS::DynamoDB::Table', {
        Properties: {
          KeySchema: [
            { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
          ],
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
          SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as CfnElement), 'Arn'] } },
          DeletionProtectionEnabled: true,
        },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });

    it('can leave deletion protection off', () => {
      const stack = newStack();

      new StateTable(stack, 'State', { encryptionKey: new kms.Key(stack, 'Key'), deletionProtection: false });

      templateOf(stack).hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
    });
  });
});
