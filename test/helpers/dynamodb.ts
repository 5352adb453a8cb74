import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_AWS_CREDENTIALS } from '../../local/dynamodb-local.js';
import { createTableInput } from '../../lambdas/core/store/table-schema.js';

/** A DynamoDB client for the DynamoDB Local started by the jest global setup. */
export function localDynamoClient(): DynamoDBClient {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: run the tests through `npm test`');
  return new DynamoDBClient({ endpoint, region: 'local', credentials: LOCAL_AWS_CREDENTIALS });
}

/** Creates a fresh state table with the production key layout; each test file gets its own. */
export async function createTestTable(client: DynamoDBClient, prefix = 'test'): Promise<string> {
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return tableName;
}

export async function deleteTestTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
}

/** A test file's state table on DynamoDB Local: both fields are set once its `beforeAll` has run. */
export interface TestTable {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
}

/**
 * Gives the calling file (or describe block) its own fresh state table: registers a `beforeAll` that
 * creates it and an `afterAll` that deletes it and closes the client. Read the fields inside tests
 * and hooks, never at module level (they are empty until the table exists).
 */
export function useTestTable(prefix: string): TestTable {
  const table = {} as { dynamo: DynamoDBClient; tableName: string };
  beforeAll(async () => {
    table.dynamo = localDynamoClient();
    table.tableName = await createTestTable(table.dynamo, prefix);
  });
  afterAll(async () => {
    await deleteTestTable(table.dynamo, table.tableName);
    table.dynamo.destroy();
  });
  return table;
}
