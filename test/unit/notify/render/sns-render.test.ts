import { SNS_LIMITS, renderSns, snsMessageSize } from '../../../../lambdas/notify/render/sns-render.js';
import { PipelineResultSchema } from '../../../../lambdas/notify/results.js';
import {
  cleanScanReport,
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
import { expectSnsWithinLimits, snsJson } from '../limits.js';

describe('renderSns', () => {
  describe('subjects and bodies', () => {
    it('renders a typical scan report (golden)', () => {
      const message = renderSns(typicalScanReport());

      expect(message).toMatchSnapshot();
      expectSnsWithinLimits(message);
      expect(message.Subject).toBe('[zsa] Scan payments-prod (111122223333): 3 new failures, 84.2% compliant');
    });

    it('does not repeat the account id when the ZCSPM account name already contains it', () => {
      const named = renderSns({ ...typicalScanReport(), zcspmAccountName: 'prod (111122223333)' });
      const unnamed = renderSns({ ...typicalScanReport(), zcspmAccountName: undefined });

      expect(named.Subject).toBe('[zsa] Scan prod (111122223333): 3 new failures, 84.2% compliant');
      expect(unnamed.Subject).toBe('[zsa] Scan 111122223333: 3 new failures, 84.2% compliant');
      expect(named.Message).not.toContain('111122223333 (111122223333');
    });

    it('renders a clean scan report (golden)', () => {
      const message = renderSns(cleanScanReport(), { environment: 'prod' });

      expect(message).toMatchSnapshot();
      expectSnsWithinLimits(message);
      expect(message.MessageAttributes.outcome).toEqual({ DataType: 'String', StringValue: 'clean' });
      expect(message.MessageAttributes.environment).toEqual({ DataType: 'String', StringValue: 'prod' });
    });

    it('renders a typical diagnostics report (golden)', () => {
      const message = renderSns(typicalDiagnosticsReport());

      expect(message).toMatchSnapshot();
      expectSnsWithinLimits(message);
    });

    it('renders failures (golden)', () => {
      expect([renderSns(failureReport()), renderSns(diagnosticsFailureReport())]).toMatchSnapshot();
    });

    it('keeps the numbers and the user text in a long subject by cutting the name', () => {
      const message = renderSns(scanReport({ zcspmAccountName: `Zürich – ${'very long account name '.repeat(10)}` }));

      expect(message.Subject.length).toBeLessThanOrEqual(SNS_LIMITS.maxSubjectChars);
      expect(message.Subject).toMatch(/^\[zsa\] Scan Zurich - very long .*\.\.\.: 3 new failures, 84\.2% compliant$/);
    });
  });

  describe('attributes', () => {
    it('sets kind, severity, outcome and account for filter policies', () => {
      const attributes = renderSns(typicalScanReport()).MessageAttributes;

      expect(attributes).toMatchObject({
        kind: { DataType: 'String', StringValue: 'scan' },
        severity: { DataType: 'String', StringValue: 'critical' },
        outcome: { DataType: 'String', StringValue: 'new-failures' },
        awsAccount: { DataType: 'String', StringValue: '111122223333' },
        detailType: { DataType: 'String', StringValue: 'ScanCompleted' },
      });
    });

    it('uses the alert severity for diagnostics and leaves out the AWS account it has not got', () => {
      const attributes = renderSns(diagnosticsReport({ alert: { ...diagnosticsReport().alert, severity: 'Medium' } })).MessageAttributes;

      expect(attributes.severity?.StringValue).toBe('medium');
      expect(attributes.verdict?.StringValue).toBe('network');
      expect(attributes.awsAccount).toBeUndefined();
    });

    it('marks failures high severity with outcome failed', () => {
      const attributes = renderSns(failureReport()).MessageAttributes;

      expect(attributes.severity?.StringValue).toBe('high');
      expect(attributes.outcome?.StringValue).toBe('failed');
      expect(attributes.detailType?.StringValue).toBe('ScanFailed');
    });
  });

  describe('size', () => {
    it('fits the huge scan report (1,000 failures, 740 KB as JSON) under 256 KiB with a trimmed JSON', () => {
      const report = hugeScanReport();

      const message = renderSns(report);

      expectSnsWithinLimits(message);
      expect(message.Message).toContain('...and 975 more failing assets (see the ZCSPM report).');
      expect(message.Message).toContain('Lists and long texts below were trimmed to fit the SNS size limit; the counts are complete.');
      expect(JSON.parse(snsJson(message)!)).toMatchObject({ failedAssetCount: 1000, delta: { newFailureCount: 1000, fixedCount: 250 } });
    });

    it('carries the whole typical report as JSON', () => {
      const report = typicalScanReport();

      const message = renderSns(report);

      expect(JSON.parse(snsJson(message)!)).toEqual(report);
    });

    it('carries the 200-device diagnostics report under 256 KiB', () => {
      const message = renderSns(hugeDiagnosticsReport());

      expectSnsWithinLimits(message);
      expect(message.Message).toContain('...and 150 more devices.');
    });

    it('trims the JSON with a note when the report is bigger than the limit', () => {
      const assets = Array.from({ length: 5000 }, (_, i) => failedAsset(i, { shortTitle: `${'x'.repeat(100)} ${i}` }));
      const report = scanReport({ topFailures: assets, failedAssetCount: 5000, delta: { ...scanReport().delta, newFailures: assets, newFailureCount: 5000 } });

      const message = renderSns(report);

      expectSnsWithinLimits(message);
      expect(snsMessageSize(message)).toBeGreaterThan(100 * 1024);
      expect(message.Message).toContain('Lists and long texts below were trimmed to fit the SNS size limit; the counts are complete.');
      const json = JSON.parse(snsJson(message)!);
      expect(PipelineResultSchema.parse(json)).toMatchObject({ failedAssetCount: 5000, delta: { newFailureCount: 5000 } });
      expect(json.truncated.note).toMatch(/Trimmed to fit/);
      expect(json.topFailures.length).toBeLessThan(5000);
    });
  });
});
