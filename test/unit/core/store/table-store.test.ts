import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BusyError } from '../../../../lambdas/core/errors.js';
import { TableStore, isExpired, isThrottlingError } from '../../../../lambdas/core/store/table-store.js';

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

/** A TransactWriteItems cancellation as the SDK raises it, one reason code per write. */
function cancelled(...codes: string[]): Error {
  return Object.assign(namedError('TransactionCanceledException'), { CancellationReasons: codes.map((Code) => ({ Code })) });
}

describe('TableStore transact', () => {
  const writes = [{ put: { pk: 'p', sk: 'a' } }, { key: { pk: 'p', sk: 'b' }, update: 'SET n = :n', values: { ':n': 1 } }];

  it('sends the writes as one TransactWriteItems on the table', async () => {
    const sent: unknown[] = [];
    const dynamo = { send: async (command: { input: unknown }) => void sent.push(command.input) };
    const store = new TableStore({ dynamo: dynamo as unknown as DynamoDBClient, tableName: 't' });

    const outcome = await store.transact([...writes, { delete: { pk: 'p', sk: 'c' }, condition: 'attribute_exists(pk)' }]);

    expect(outcome).toEqual({ ok: true });
    expect(sent).toEqual([
      {
        TransactItems: [
          { Put: { TableName: 't', Item: { pk: { S: 'p' }, sk: { S: 'a' } } } },
          { Update: { TableName: 't', Key: { pk: { S: 'p' }, sk: { S: 'b' } }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': { N: '1' } } } },
          { Delete: { TableName: 't', Key: { pk: { S: 'p' }, sk: { S: 'c' } }, ConditionExpression: 'attribute_exists(pk)' } },
        ],
      },
    ]);
  });

  it('reports the writes whose condition failed, also when another write conflicted', async () => {
    const store = new TableStore({ dynamo: flakyDynamo([cancelled('TransactionConflict', 'ConditionalCheckFailed')]) as unknown as DynamoDBClient, tableName: 't' });

    await expect(store.transact(writes)).resolves.toEqual({ ok: false, reason: 'condition-failed', failed: [1] });
  });

  it.each([['TransactionConflict'], ['ThrottlingError'], ['ProvisionedThroughputExceeded']])('throws BusyError for a transaction cancelled by %s', async (code) => {
    const store = new TableStore({ dynamo: flakyDynamo([cancelled('None', code)]) as unknown as DynamoDBClient, tableName: 't' });

    await expect(store.transact(writes)).rejects.toThrow(BusyError);
  });

  it('rethrows a cancellation a later attempt cannot fix, and any other error', async () => {
    const invalid = cancelled('ValidationError', 'None');
    const store = new TableStore({ dynamo: flakyDynamo([invalid, namedError('ResourceNotFoundException')]) as unknown as DynamoDBClient, tableName: 't' });

    await expect(store.transact(writes)).rejects.toBe(invalid);
    await expect(store.transact(writes)).rejects.toThrow('ResourceNotFoundException happened');
  });
});

describe('isExpired', () => {
  it('counts an item as gone from its expiresAt on, and one without expiresAt never', () => {
    const verdicts = [isExpired({ expiresAt: 100 }, 99_999), isExpired({ expiresAt: 100 }, 100_000), isExpired({}, Number.MAX_SAFE_INTEGER)];

    expect(verdicts).toEqual([false, true, false]);
  });
});

describe('isThrottlingError', () => {
  it('recognises the DynamoDB throttling error names only', () => {
    const verdicts = ['ThrottlingException', 'RequestLimitExceeded', 'ConditionalCheckFailedException'].map((name) => isThrottlingError(namedError(name)));

    expect(verdicts).toEqual([true, true, false]);
  });
});
