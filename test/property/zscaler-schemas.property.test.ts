import fc from 'fast-check';
import * as z from 'zod';
import { ResponseShapeError } from '../../lambdas/core/errors.js';
import { parseResponse } from '../../lambdas/core/http/http-client.js';
import * as zcspm from '../../lambdas/zscaler/zcspm/schemas.js';
import * as zdx from '../../lambdas/zscaler/zdx/schemas.js';

/** Cases per schema (every exported zod schema of both APIs is one boundary). */
const RUNS = 10_000;

const schemasOf = (api: string, module: Record<string, unknown>) =>
  Object.entries(module)
    .filter((entry): entry is [string, z.ZodType] => entry[1] instanceof z.ZodType)
    .map(([name, schema]) => ({ api, name, schema }));

const SCHEMAS = [...schemasOf('zdx', zdx), ...schemasOf('zcspm', zcspm)];

/** Arbitrary JSON, plus near-misses: objects with the API's usual keys holding wrong values. */
const body = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 2,
    arbitrary: fc.dictionary(
      fc.constantFrom('result', 'items', 'data', 'alerts', 'devices', 'next_offset', 'id', 'jobId', 'jobStatus', 'token', 'trace_id', 'status', 'name', 'metrics', 'apps', 'probes'),
      fc.jsonValue({ maxDepth: 3 }),
      { maxKeys: 6 },
    ),
  },
  { weight: 1, arbitrary: fc.array(fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), { maxLength: 4 }) },
);

/** One seeded sample of bodies, shared by every schema (generating is the slow part, parsing is cheap). */
const BODIES = fc.sample(body, { numRuns: RUNS });

describe('Zscaler response schemas (property)', () => {
  // Tens of thousands of rejections: capturing a stack for each would dominate the run time.
  const stackTraceLimit = Error.stackTraceLimit;
  beforeAll(() => {
    Error.stackTraceLimit = 0;
  });
  afterAll(() => {
    Error.stackTraceLimit = stackTraceLimit;
  });

  it('finds the schemas of both APIs', () => {
    expect(SCHEMAS.filter((entry) => entry.api === 'zdx').length).toBeGreaterThan(10);
    expect(SCHEMAS.filter((entry) => entry.api === 'zcspm').length).toBeGreaterThan(10);
  });

  describe('parseResponse', () => {
    it.each(SCHEMAS.map((entry) => [`${entry.api}.${entry.name}`, entry] as const))(
      `turns arbitrary JSON into a value or a ResponseShapeError naming endpoint and field, never another exception: %s (${RUNS} bodies)`,
      (_label, { api, name, schema }) => {
        const endpoint = `GET /${api}/${name}`;
        // Plain checks in the loop (a jest matcher per body would dominate the run time).
        const problems: string[] = [];
        let rejected = 0;
        for (const raw of BODIES) {
          let caught: unknown;
          try {
            parseResponse(schema, raw, endpoint);
          } catch (error) {
            caught = error;
          }

          if (caught === undefined) continue;
          rejected += 1;
          const shown = JSON.stringify(raw)?.slice(0, 200);
          if (!(caught instanceof ResponseShapeError)) problems.push(`${String(caught)} for body ${shown}`);
          else if (caught.endpoint !== endpoint || !caught.message.startsWith(`${endpoint} returned an unexpected body: `)) problems.push(`wrong endpoint in "${caught.message}"`);
          else if (caught.fields.length === 0 || caught.fields.some((field) => field.trim().length === 0)) problems.push(`no field named in "${caught.message}" for body ${shown}`);
        }
        expect(problems.slice(0, 5)).toEqual([]);
        expect(rejected).toBeLessThanOrEqual(BODIES.length);
      },
    );
  });
});
