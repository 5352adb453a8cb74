import * as z from 'zod';
import { InvalidInputError } from '../../../lambdas/core/errors.js';
import type { HandlerContext } from '../../../lambdas/core/observability/middleware.js';
import { callOptions, parseStepInput } from '../../../lambdas/core/wiring.js';

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
