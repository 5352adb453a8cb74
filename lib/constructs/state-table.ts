import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLE_KEYS } from '../../lambdas/core/store/table-schema.js';

/** Props of {@link StateTable}. */
export interface StateTableProps {
  /** Customer managed key that encrypts the table (rotation is the key owner's job). */
  readonly encryptionKey: kms.IKey;
  /**
   * Refuse DeleteTable calls even from administrators, on top of the RETAIN removal policy.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * The single DynamoDB table of the app (tokens, rate budget, scan windows and history, alert dedupe,
 * trace slots, idempotency records), laid out as lambdas/core/store/table-schema.ts says:
 * `pk`/`sk` strings, TTL attribute `expiresAt`. On-demand capacity (traffic is bursty and small),
 * point-in-time recovery, a customer managed key, and RETAIN: scan history feeds the deltas in the
 * reports and must survive a stack replacement.
 */
export class StateTable extends Construct {
  /** The table. Grant access with `TeamFunction.bindTable(table, { leadingKeys })`. */
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: StateTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: TABLE_KEYS.timeToLive,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
