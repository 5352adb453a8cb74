import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TableStore, isThrottlingError } from '../../../../lambdas/core/store/table-store.js';

function namedError(name: string): Error {
  const error = new Error(`${name} happened`);
  error.name = name;
  return error;
}

/** A stand-in DynamoDB client that fails with the given errors, then answers. DynamoDB Local never throttles. */
function flakyDynamo(failures: Error[]) {
  const fake = {
    calls: 0,
    send: async () => {
      fake.calls += 1;
      const failure = failures.shift();
      if (failure) throw failure;
      return { Item: { pk: { S: 'p' }, sk: { S: 's' } } };
    },
  };
  return fake;
}

describe('TableStore', () => {
  describe('get', () => {
    it('retries throttling briefly and then succeeds', async () => {
      const dynamo = flakyDynamo([namedError('ThrottlingException'), namedError('ProvisionedThroughputExceededException')]);
      const sleeps: number[] = [];
      const store = new TableStore({ dynamo: dynamo as unknown as DynamoDBClient, tableName: 't', sleep: async (ms) => void sleeps.push(ms) });

      const item = await store.get({ pk: 'p', sk: 's' });

      expect(item).toEqual({ pk: 'p', sk: 's' });
      expect(dynamo.calls).toBe(3);
      expect(sleeps).toHaveLength(2);
    });

    it('gives up after the configured attempts and rethrows the throttling error', async () => {
      const dynamo = flakyDynamo([namedError('ThrottlingException'), namedError('ThrottlingException'), namedError('ThrottlingException')]);
      const store = new TableStore({ dynamo: dynamo as unknown as DynamoDBClient, tableName: 't', throttleAttempts: 2, sleep: async () => undefined });

      const read = store.get({ pk: 'p', sk: 's' });

      await expect(read).rejects.toThrow('ThrottlingException happened');
      expect(dynamo.calls).toBe(2);
    });

    it('does not retry errors that are not throttling', async () => {
      const dynamo = flakyDynamo([namedError('ResourceNotFoundException')]);
      const store = new TableStore({ dynamo: dynamo as unknown as DynamoDBClient, tableName: 't', sleep: async () => undefined });

      const read = store.get({ pk: 'p', sk: 's' });

      await expect(read).rejects.toThrow('ResourceNotFoundException happened');
      expect(dynamo.calls).toBe(1);
    });
  });
});

describe('isThrottlingError', () => {
  it('recognises the DynamoDB throttling error names only', () => {
    const verdicts = ['ThrottlingException', 'RequestLimitExceeded', 'ConditionalCheckFailedException'].map((name) => isThrottlingError(namedError(name)));

    expect(verdicts).toEqual([true, true, false]);
  });
});
