import * as z from 'zod';
import { InvalidInputError } from '../../../lambdas/core/errors.js';
import type { HandlerContext } from '../../../lambdas/core/observability/middleware.js';
import { callOptions, dynamo, parseStepInput, tableName } from '../../../lambdas/core/wiring.js';

describe('parseStepInput', () => {
  const Schema = z.object({ a: z.string(), b: z.number(), c: z.boolean(), d: z.string(), e: z.string(), f: z.string() });

  it('returns the parsed state', () => {
    expect(parseStepInput(z.object({ a: z.string() }), { a: 'x', extra: 1 }, 'Step')).toEqual({ a: 'x' });
  });

  it('throws InvalidInputError naming the step and the first five bad paths, with every issue attached', () => {
    const thrown = (() => {
      try {
        parseStepInput(Schema, {}, 'CollectReport');
      } catch (error) {
        return error;
      }
      return undefined;
    })() as InvalidInputError;

    expect(thrown).toBeInstanceOf(InvalidInputError);
    expect(thrown.message).toMatch(/^CollectReport received an invalid state: a: .*; b: .*; c: .*; d: .*; e: [^;]*$/);
    expect(thrown.issues).toHaveLength(6);
  });
});

describe('callOptions', () => {
  it('passes the signal and a finite deadline, and no deadline outside Lambda', () => {
    const signal = new AbortController().signal;

    expect(callOptions({ signal, deadline: 1_000 } as HandlerContext)).toEqual({ signal, deadline: 1_000 });
    expect(callOptions({ signal, deadline: Number.POSITIVE_INFINITY } as HandlerContext)).toEqual({ signal, deadline: undefined });
  });
});

describe('the state table', () => {
  const saved = { TABLE_NAME: process.env.TABLE_NAME, DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT };
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('follows the environment, one DynamoDB client per endpoint (the sandbox switches pipelines in one process)', () => {
    Object.assign(process.env, { TABLE_NAME: 'scan-table', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8001' });
    const scanClient = dynamo();
    expect(tableName()).toBe('scan-table');
    expect(dynamo()).toBe(scanClient);

    Object.assign(process.env, { TABLE_NAME: 'diagnostics-table', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8002' });
    expect(tableName()).toBe('diagnostics-table');
    expect(dynamo()).not.toBe(scanClient);
  });
});
