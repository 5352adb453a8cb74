// Plain ESM so jest loads it natively; tsx imports the TypeScript launcher shared with the sandbox.
import { tsImport } from 'tsx/esm/api';

/** Starts one DynamoDB Local for the whole run; workers find it through DYNAMODB_ENDPOINT. */
export default async function globalSetup() {
  const { startDynamoDbLocal } = await tsImport('../../local/dynamodb-local.ts', import.meta.url);
  const dynamo = await startDynamoDbLocal();
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  globalThis.__dynamoDbLocal = dynamo;
}
