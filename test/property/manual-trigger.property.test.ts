import fc from 'fast-check';
import { InvalidInputError } from '../../lambdas/core/errors.js';
import { handleManualTrigger } from '../../lambdas/diagnostics/steps/manual-trigger.js';
import { FakeStarter } from '../helpers/diagnostics/fakes.js';

const RUNS = 10_000;

const id = fc.oneof(
  fc.integer({ min: 1, max: 2 ** 31 }),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 30 }),
  fc.constantFrom('7263519', '0', '-1', '1e3', ' 12 ', '<!channel>', null, true),
);

const detail = fc.oneof(
  fc.record({ deviceId: id, appId: id, reason: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 600 }), fc.anything()) }, { requiredKeys: [] }),
  fc.record({ alertId: id, reason: fc.string({ maxLength: 600 }) }, { requiredKeys: [] }),
  fc.anything(),
);

const event = fc.record(
  {
    id: fc.oneof(fc.uuid(), fc.string({ maxLength: 200 }), fc.anything()),
    'detail-type': fc.oneof(fc.constant('TraceRequested'), fc.anything()),
    source: fc.oneof(fc.constant('zsa.cli'), fc.anything()),
    detail,
  },
  { requiredKeys: [] },
);

describe('manual trace trigger (property)', () => {
  describe('handleManualTrigger', () => {
    it(`starts exactly one execution or rejects with an InvalidInputError that says what was wrong (${RUNS} generated events)`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: event }, { weight: 1, arbitrary: fc.anything() }), async (input) => {
          const executions = new FakeStarter();
          let caught: unknown;
          let started: Awaited<ReturnType<typeof handleManualTrigger>> | undefined;
          try {
            started = await handleManualTrigger(input, { executions });
          } catch (error) {
            caught = error;
          }

          if (caught !== undefined) {
            expect(caught).toBeInstanceOf(InvalidInputError);
            expect((caught as Error).message).toMatch(/^not a manual trace request: \S/);
            expect(executions.started).toEqual([]);
            return;
          }
          expect(executions.started).toHaveLength(1);
          expect(started?.executionName).toBe(executions.started[0]?.name);
          expect(started?.executionName).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
          const devices = executions.started[0]?.input.devices ?? [];
          // The contract (AlertIdSchema): a non-negative integer or a printable string of 1-128 characters.
          for (const device of devices) expect(String(device.deviceId)).toMatch(/^[^\u0000-\u001f\u007f]{1,128}$/);
        }),
        { numRuns: RUNS },
      );
    });
  });
});
