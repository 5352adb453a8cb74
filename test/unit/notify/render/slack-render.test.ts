import { SLACK_LIMITS, renderSlack, slackBlocksSize } from '../../../../lambdas/notify/render/slack-render.js';
import {
  cleanScanReport,
  deployment,
  deviceResult,
  diagnosticsFailureReport,
  diagnosticsReport,
  failedAsset,
  failureReport,
  hugeDiagnosticsReport,
  hugeScanReport,
  scanReport,
  typicalDiagnosticsReport,
  typicalScanReport,
} from '../../../fixtures/reports/factories.js';
import { expectSlackWithinLimits } from '../limits.js';

const allText = (message: ReturnType<typeof renderSlack>) => JSON.stringify(message.blocks);

describe('renderSlack', () => {
  describe('scan reports', () => {
    it('renders a typical report (golden)', () => {
      const message = renderSlack(typicalScanReport());

      expect(message).toMatchSnapshot();
      expectSlackWithinLimits(message);
    });

    it('renders a clean report (golden)', () => {
      const message = renderSlack(cleanScanReport(), { environment: 'prod' });

      expect(message).toMatchSnapshot();
      expectSlackWithinLimits(message);
      expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '🟩 Compliance scan · payments-prod', emoji: true } });
    });

    it('renders a huge report within every limit with "and N more" and a link (golden)', () => {
      const message = renderSlack(hugeScanReport());

      expect(message).toMatchSnapshot();
      expectSlackWithinLimits(message);
      expect(allText(message)).toContain('…and 990 more failing assets. <https://app.zscaler.example/');
      expect(allText(message)).toContain('…and 22 more stacks');
    });

    it('lists the deployment’s own failures before the others, worst first', () => {
      const report = scanReport({
        topFailures: [failedAsset(1, { severity: 'Low' }), failedAsset(2, { severity: 'Low', fromDeployment: true }), failedAsset(3, { severity: 'Critical' })],
      });

      const sections = renderSlack(report).blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));

      const order = ['res-00002', 'res-00003', 'res-00001'].map((id) => sections.findIndex((t) => t.includes(id)));
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(order[0]).toBeGreaterThan(-1);
    });

    it('says the delta in words for a first scan and for a fix-only deployment', () => {
      const first = scanReport({ delta: { ...scanReport().delta, previousJobId: null } });
      const fixOnly = scanReport({ delta: { ...scanReport().delta, newFailureCount: 0, newFailures: [], fixedCount: 2 } });

      expect(renderSlack(first).text).toContain('First scan of this account: 15 failing assets.');
      expect(renderSlack(fixOnly).text).toContain('No new failures; this deployment fixed 2.');
    });

    it('keeps every limit when the list items are enormous and allowed to be many', () => {
      const long = '<!channel> & '.repeat(400);
      const report = scanReport({
        topFailures: Array.from({ length: 200 }, (_, i) => failedAsset(i, { shortTitle: long, resourceName: long, stackName: long, fromDeployment: i % 2 === 0 })),
        deployments: Array.from({ length: 200 }, (_, i) => deployment(i, { stackName: long })),
        failedAssetCount: 200,
      });

      const message = renderSlack(report, { maxListItems: 500 });

      expectSlackWithinLimits(message);
      expect(slackBlocksSize(message.blocks)).toBeGreaterThan(SLACK_LIMITS.maxBlocksJsonChars / 2);
      expect(allText(message)).toMatch(/…and \d+ more failing assets/);
    });
  });

  describe('diagnostics reports', () => {
    it('renders a typical report (golden)', () => {
      const message = renderSlack(typicalDiagnosticsReport());

      expect(message).toMatchSnapshot();
      expectSlackWithinLimits(message);
    });

    it('renders 200 devices within every limit, grouping the undiagnosed by reason (golden)', () => {
      const message = renderSlack(hugeDiagnosticsReport());

      expect(message).toMatchSnapshot();
      expectSlackWithinLimits(message);
      expect(allText(message)).toContain('*Not diagnosed* (50): 30 over the tenant trace cap, 10 in cooldown, 5 with a failed trace, 5 with an expired trace');
      expect(allText(message)).toContain('…and 140 more devices. <https://admin.zdxcloud.net/zdx/alerts/7263519|Open the alert in ZDX>');
    });

    it('escapes hostile alert fields', () => {
      const report = diagnosticsReport({
        alert: { ...diagnosticsReport().alert, ruleName: '<!channel> outage', criteriaString: '<http://evil.example|click me>' },
      });

      const message = renderSlack(report);

      expectSlackWithinLimits(message);
      expect(message.text).toContain('&lt;!channel&gt; outage');
      expect(allText(message)).toContain('&lt;http://evil.example|click me&gt;');
    });
  });

  describe('mentions cut in half', () => {
    // Counterexamples once found by the renderer property test (seed 1342763935 and another run):
    // a broadcast word glued to a suffix, then cut right after the word by a field's length limit.
    // Every offset in front of it moves the cut across the word in every truncated field.
    const counterexamples = ['<#C0123|general>@channel@channel0 ', '&lt;!here|here&gt;@everyone0'];
    const padded = counterexamples.flatMap((value) => Array.from({ length: 260 }, (_, offset) => 'x'.repeat(offset) + value));

    it('keeps them inert in every truncated field of a scan report', () => {
      for (const value of padded) {
        const report = scanReport({
          zcspmAccountName: value,
          deployments: [deployment(0, { stackName: value, status: value, region: value, awsAccountId: value })],
          topFailures: [failedAsset(0, { resourceName: value, resourceType: value, region: value, stackName: value, shortTitle: value, severity: value })],
        });

        expectSlackWithinLimits(renderSlack(report));
      }
    });

    it('keeps them inert in every truncated field of a diagnostics and a failure report', () => {
      for (const value of padded) {
        const base = diagnosticsReport();
        const diagnostics = diagnosticsReport({
          alert: { ...base.alert, ruleName: value, severity: value, criteriaString: value, applicationName: value },
          summary: { ...base.summary, text: value },
          devices: [deviceResult(0, { deviceName: value, userName: value }), deviceResult(1, { deviceName: value, status: 'capped', diagnosis: null, reason: value })],
        });

        expectSlackWithinLimits(renderSlack(diagnostics));
        expectSlackWithinLimits(renderSlack(failureReport({ reason: value, message: value, error: { name: value, message: value }, alertId: value })));
      }
    });
  });

  describe('failure reports', () => {
    it('renders a scan failure with where and the execution link (golden)', () => {
      const message = renderSlack(failureReport());

      expect(message).toMatchSnapshot();
      expectSlackWithinLimits(message);
    });

    it('renders a diagnostics failure (golden)', () => {
      const message = renderSlack(diagnosticsFailureReport());

      expect(message).toMatchSnapshot();
      expectSlackWithinLimits(message);
    });

    it('drops a link that is not http(s)', () => {
      const message = renderSlack(failureReport({ links: { execution: 'javascript:alert(1)' } }));

      expect(allText(message)).not.toContain('javascript:');
    });
  });
});
