import fc from 'fast-check';
import { handleAlertWebhook, type WebhookRequest } from '../../../../lambdas/diagnostics/steps/alert-intake.js';
import { FakeLedger, FakeStarter } from '../../../helpers/diagnostics/fakes.js';

const token = 'zdx-webhook-token-0123456789';
const RUNS = 10_000;

const alertLike = fc.record(
  {
    alertId: fc.oneof(fc.integer({ min: -5, max: 2 ** 53 }), fc.double(), fc.string({ maxLength: 200 }), fc.constant(null), fc.boolean()),
    status: fc.oneof(fc.constantFrom('STARTED', 'ENDED_ON_RULE_DEL', 'started', ''), fc.string(), fc.integer()),
    ruleName: fc.oneof(fc.constantFrom('test', 'Slow Outlook', 'TEST'), fc.string({ maxLength: 600 }), fc.integer(), fc.object()),
    severity: fc.oneof(fc.constantFrom('High', 'Medium', 'Low', 'Critical'), fc.anything()),
    startTime: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)),
    endTime: fc.anything(),
    zdxUrl: fc.oneof(fc.webUrl(), fc.anything()),
    impactedDeviceCount: fc.oneof(fc.nat(), fc.integer(), fc.string()),
    criteria: fc.oneof(
      fc.record({ op: fc.string(), conditions: fc.array(fc.record({ conditionString: fc.string(), isHit: fc.anything(), stats: fc.anything() }), { maxLength: 5 }) }),
      fc.anything(),
    ),
    extraField: fc.anything(),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  { weight: 5, arbitrary: alertLike.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.json() },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.nat(8_000).map((extra) => JSON.stringify({ alertId: 1, status: 'STARTED', pad: 'x'.repeat(65_000 + extra) })) },
);

const authorization = fc.oneof(
  fc.constant(`Bearer ${token}`),
  fc.constant(`bearer  ${token} `),
  fc.string().map((value) => `Bearer ${value}`),
  fc.string().map((value) => `Basic ${Buffer.from(value).toString('base64')}`),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constant(undefined),
);

const request: fc.Arbitrary<WebhookRequest> = fc.record({
  method: fc.oneof({ weight: 6, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'post', 'OPTIONS') }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) }),
  headers: fc.record(
    {
      authorization,
      'content-type': fc.oneof(fc.constant('application/json'), fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded'), fc.string(), fc.constant(undefined)),
      'x-other': fc.string(),
    },
    { requiredKeys: [] },
  ),
  body,
  isBase64Encoded: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

describe('alert-intake (property)', () => {
  describe('handleAlertWebhook', () => {
    it(`never answers 5xx, never throws and always explains a rejection (${RUNS} generated requests)`, async () => {
      const ledger = new FakeLedger();
      const executions = new FakeStarter();
      const deps = { credential: async () => ({ bearerToken: token }), ledger, executions, settings: { minSeverity: 'Medium' as const, webhookMaxBodyBytes: 65_536 } };
      const statuses = new Map<number, number>();

      await fc.assert(
        fc.asyncProperty(request, async (generated) => {
          const result = await handleAlertWebhook(generated, deps);

          statuses.set(result.response.statusCode, (statuses.get(result.response.statusCode) ?? 0) + 1);
          expect(result.response.statusCode).toBeLessThan(500);
          expect([200, 202, 400, 401, 405, 413, 415]).toContain(result.response.statusCode);
          const parsed = JSON.parse(result.response.body) as { message?: unknown; error?: unknown };
          expect(typeof parsed.message).toBe('string');
          expect((parsed.message as string).length).toBeGreaterThan(10);
          if (result.response.statusCode >= 400) expect(typeof parsed.error).toBe('string');
          if (result.response.statusCode === 202) expect(executions.started.length).toBeGreaterThan(0);
        }),
        { numRuns: RUNS },
      );

      for (const status of [200, 202, 400, 401, 405, 413, 415]) expect(statuses.get(status)).toBeGreaterThan(0);
    });
  });
});
