/**
 * The DynamoDB client every handler creates once at module scope.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface DynamoClientOptions {
  /** DynamoDB Local's endpoint for local runs (env DYNAMODB_ENDPOINT); unset in AWS. */
  readonly endpoint?: string | undefined;
  /** Defaults to the Lambda's region (AWS_REGION); `local` with an endpoint. */
  readonly region?: string | undefined;
}

/**
 * Creates a DynamoDB client. With an endpoint it talks to DynamoDB Local using throwaway
 * credentials (DynamoDB Local accepts any); without one it uses the Lambda's role.
 */
export function createDynamoClient(options: DynamoClientOptions = {}): DynamoDBClient {
  if (options.endpoint) {
    return new DynamoDBClient({
      endpoint: options.endpoint,
      region: options.region ?? 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }
  return new DynamoDBClient(options.region ? { region: options.region } : {});
}
