import fc from 'fast-check';
import { renderEvent } from '../../../lambdas/notify/render/event-render.js';
import { renderSlack } from '../../../lambdas/notify/render/slack-render.js';
import { renderSns } from '../../../lambdas/notify/render/sns-render.js';
import { PipelineResultSchema, type DiagnosticsReport, type FailureReport, type ScanReport } from '../../../lambdas/notify/results.js';
import { deployment, deviceResult, diagnosticsReport, failedAsset, failureReport, scanReport } from '../../fixtures/reports/factories.js';
import { expectEventWithinLimits, expectSlackWithinLimits, expectSnsWithinLimits } from './limits.js';

const RUNS = 150;

// Mention and link injection, HTML-ish entities, controls, bidi overrides, lone surrogates,
// emoji and combining marks: what a hostile or unlucky stack name or alert field may hold.
const fragment = fc.oneof(
  fc.constantFrom(
    '<!channel>',
    '<!here|here>',
    '<@U0123ABC>',
    '<#C0123|general>',
    '<http://evil.example|click>',
    '<mailto:a@b.c|mail>',
    '@channel',
    '@everyone',
    '&lt;!channel&gt;',
    '&amp;',
    '*bold* _it_ ~s~ `code` ```block```',
    '\u0000\u0007\u001b[31m',
    '\r\n\u2028\u2029\t',
    '\u202Eevil\u202C',
    '\uD800',
    '\uDC00',
    '😀👩‍👩‍👧‍👦🇫🇷',
    'e\u0301\u0301\u0301',
    '"\\{}[]',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);
const hostile = fc.oneof(
  { weight: 4, arbitrary: fc.array(fragment, { maxLength: 8 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.tuple(fragment, fc.integer({ min: 100, max: 1500 })).map(([part, times]) => (part || 'x').repeat(times)) },
);
const url = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('https://app.zscaler.example/r?a=1&b=2', 'javascript:alert(1)', 'https://x.example/<!channel>|evil', 'not a url'),
  hostile.map((s) => `https://example.com/${s}`),
);

const scanArb: fc.Arbitrary<ScanReport> = fc
  .record({
    names: fc.array(hostile, { minLength: 1, maxLength: 12 }),
    account: hostile,
    job: hostile,
    title: hostile,
    failures: fc.integer({ min: 0, max: 60 }),
    extra: fc.integer({ min: 0, max: 5000 }),
    zcspm: url,
    execution: url,
    percent: fc.double({ min: 0, max: 100, noNaN: true }),
  })
  .map(({ names, account, job, title, failures, extra, zcspm, execution, percent }) => {
    const base = scanReport();
    const assets = Array.from({ length: failures }, (_, i) =>
      failedAsset(i, { shortTitle: `${title}${i}`, resourceName: names[i % names.length]!, stackName: names[(i + 1) % names.length]!, fromDeployment: i % 3 === 0 }),
    );
    return {
      ...base,
      zcspmAccountName: account,
      jobId: job,
      deployments: names.map((name, i) => deployment(i, { stackName: name, status: name })),
      posture: { ...base.posture, compliancePercent: percent },
      topFailures: assets,
      failedAssetCount: failures + extra,
      delta: { ...base.delta, newFailures: assets, newFailureCount: failures },
      links: { zcspm, execution },
    };
  });

const diagnosticsArb: fc.Arbitrary<DiagnosticsReport> = fc
  .record({ rule: hostile, severity: hostile, text: hostile, names: fc.array(hostile, { minLength: 1, maxLength: 10 }), devices: fc.integer({ min: 0, max: 220 }), zdx: url })
  .map(({ rule, severity, text, names, devices, zdx }) => {
    const base = diagnosticsReport();
    return {
      ...base,
      alert: { ...base.alert, ruleName: rule, severity, criteriaString: text, applicationName: names[0] },
      summary: { ...base.summary, text },
      devices: Array.from({ length: devices }, (_, i) => {
        const name = names[i % names.length]!;
        if (i % 4 === 3) return deviceResult(i, { deviceName: name, status: 'capped', diagnosis: null, reason: name });
        const device = deviceResult(i, { deviceName: name, userName: name });
        return { ...device, diagnosis: { ...device.diagnosis!, headline: name, findings: [name, text] } };
      }),
      links: { zdx },
    };
  });

const failureArb: fc.Arbitrary<FailureReport> = fc
  .record({ reason: hostile, message: hostile, error: hostile, account: hostile, alert: hostile, execution: url })
  .map(({ reason, message, error, account, alert, execution }) => ({
    ...failureReport(),
    reason,
    message,
    error: { name: reason, message: error },
    awsAccountId: account,
    alertId: alert,
    links: { execution },
  }));

const anyResult = fc.oneof(scanArb, diagnosticsArb, failureArb);

describe('renderers (property)', () => {
  describe('renderSlack', () => {
    it('stays within Slack limits and never emits live mentions or foreign links', () => {
      fc.assert(
        fc.property(anyResult, (result) => {
          expectSlackWithinLimits(renderSlack(result));
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe('renderSns', () => {
    it('keeps an ASCII subject, the size limit, filterable attributes and parseable JSON', () => {
      fc.assert(
        fc.property(anyResult, (result) => {
          expectSnsWithinLimits(renderSns(result));
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe('renderEvent', () => {
    it('emits a detail that is valid JSON, within the entry limit, and still a pipeline result', () => {
      fc.assert(
        fc.property(anyResult, (result) => {
          const entry = renderEvent(result);

          expectEventWithinLimits(entry);
          expect(PipelineResultSchema.safeParse(JSON.parse(entry.Detail)).success).toBe(true);
        }),
        { numRuns: RUNS },
      );
    });
  });
});
