/**
 * The single-table layout shared by the CDK table construct, the tests and the sandbox.
 *
 * One DynamoDB table holds every kind of state, each under its own partition-key prefix
 * (see {@link KeyPrefix}). `expiresAt` (epoch seconds) is the TTL attribute; DynamoDB deletes
 * expired items late, so readers must check it themselves.
 */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLive: 'expiresAt',
} as const;

/** Partition-key prefixes; IAM conditions (`dynamodb:LeadingKeys`) grant functions only their own. */
export const KeyPrefix = {
  token: 'token#',
  rateBudget: 'rate#',
  scanWindow: 'scanwin#',
  scanHistory: 'scanhist#',
  deployment: 'deploy#',
  alert: 'alert#',
  deviceCooldown: 'cooldown#',
  traceSlots: 'slots#',
  idempotency: 'idem#',
} as const;

/** CreateTable input for DynamoDB Local; the CDK construct declares the same keys. */
export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' as const },
      { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' as const },
    ],
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' as const },
    ],
  };
}
