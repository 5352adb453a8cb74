import fc from 'fast-check';
import { parseDeploymentEvent } from '../../lambdas/scan/domain/cfn-event.js';
import { decideScan } from '../../lambdas/scan/domain/decide.js';
import { defaultScanSettings, ScanSettingsSchema } from '../../lambdas/scan/settings.js';
import { stackEvent, stackInstanceEvent } from '../helpers/scan/fakes.js';

const RUNS = 10_000;

/** Values a hostile or broken producer could put in any field. */
const hostileValue = fc.oneof(
  fc.anything(),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.nat(5_000).map((length) => `<!channel> ${'x'.repeat(length)}`),
  fc.constantFrom(
    'CREATE_COMPLETE',
    'UPDATE_COMPLETE',
    'SUCCEEDED',
    'arn:aws:cloudformation:eu-west-1:111122223333:stack/a/b',
    'arn:aws:cloudformation:eu-west-1:111122223333:stack/<!here>/x',
    'arn:aws:cloudformation::111122223333:stack//',
    'aws.cloudformation',
    'CloudFormation Stack Status Change',
    '',
    null,
  ),
);

const envelopeKeys = ['id', 'detail-type', 'source', 'account', 'region', 'time', 'detail', 'resources', 'version'] as const;
const detailKeys = ['stack-id', 'status-details', 'client-request-token', 'stack-set-arn', 'action'] as const;

/** A real stack or StackSet instance event with some fields replaced, removed or added. */
const mutatedEvent = fc
  .record({
    base: fc.constantFrom('stack', 'instance'),
    envelope: fc.array(fc.record({ key: fc.constantFrom(...envelopeKeys), value: hostileValue, remove: fc.boolean() }), { maxLength: 3 }),
    detail: fc.array(fc.record({ key: fc.constantFrom(...detailKeys), value: hostileValue, remove: fc.boolean() }), { maxLength: 3 }),
    status: fc.oneof(hostileValue, fc.record({ status: hostileValue, 'detailed-status': hostileValue }, { requiredKeys: [] })),
  })
  .map(({ base, envelope, detail, status }) => {
    const event = (base === 'stack' ? stackEvent() : stackInstanceEvent({})) as Record<string, unknown>;
    for (const change of envelope) {
      if (change.remove) delete event[change.key];
      else event[change.key] = change.value;
    }
    const eventDetail = event.detail;
    if (typeof eventDetail === 'object' && eventDetail !== null && !Array.isArray(eventDetail)) {
      const fields = eventDetail as Record<string, unknown>;
      for (const change of detail) {
        if (change.remove) delete fields[change.key];
        else fields[change.key] = change.value;
      }
      if (status !== undefined) fields['status-details'] = status;
    }
    return event;
  });

const settings = fc.record(
  {
    includeStacks: fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('*', 'prod-*', '**', '[a-', '?')), { minLength: 1, maxLength: 3 }),
    excludeStacks: fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('*', 'tmp-*', '\\', '(')), { maxLength: 3 }),
    regions: fc.array(fc.constantFrom('eu-west-1', 'us-east-1', 'ap-southeast-2'), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);

describe('CloudFormation deployment events (property)', () => {
  describe('parseDeploymentEvent + decideScan', () => {
    it(`never throws, never accepts garbage, and explains every rejection (${RUNS} generated events)`, () => {
      fc.assert(
        fc.property(fc.oneof({ weight: 1, arbitrary: fc.anything() }, { weight: 4, arbitrary: mutatedEvent }), settings, (input, overrides) => {
          const parsed = parseDeploymentEvent(input);

          if (!parsed.ok) {
            expect(typeof parsed.reason).toBe('string');
            expect(parsed.reason.trim().length).toBeGreaterThan(0);
            return;
          }
          const { deployment } = parsed;
          expect(deployment.awsAccountId).toMatch(/^\d{12}$/);
          expect(deployment.stackId).toMatch(/^arn:aws[a-z-]*:cloudformation:/);
          expect(deployment.stackName.length).toBeGreaterThan(0);
          expect(typeof deployment.status).toBe('string');
          expect(deployment.region.length).toBeGreaterThan(0);
          const scanSettings = ScanSettingsSchema.safeParse({ ...defaultScanSettings(), ...overrides });
          const decision = decideScan(parsed, scanSettings.success ? scanSettings.data : defaultScanSettings());
          expect(['scan', 'ignore']).toContain(decision.action);
          if (decision.action === 'ignore') expect(decision.reason.length).toBeGreaterThan(0);
        }),
        { numRuns: RUNS },
      );
    });

    it(`never accepts a value that is not an object event (${RUNS} generated values)`, () => {
      fc.assert(
        fc.property(fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(fc.anything())), (input) => {
          const parsed = parseDeploymentEvent(input);

          expect(parsed.ok).toBe(false);
        }),
        { numRuns: RUNS },
      );
    });
  });
});
