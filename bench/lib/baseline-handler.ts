/**
 * The cold-start baseline: a bare handler that imports only the DynamoDB client and creates it at
 * module scope, as every function of the project does. Bundled exactly like the real handlers.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const dynamo = new DynamoDBClient({});

/** Answers whether the client is there (it is used, so it cannot be tree-shaken away). */
export const handler = async (): Promise<{ ready: boolean }> => ({ ready: typeof dynamo.send === 'function' });
