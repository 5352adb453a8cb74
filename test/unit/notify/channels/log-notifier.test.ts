import { LogNotifier } from '../../../../lambdas/notify/channels/log-notifier.js';
import type { Log } from '../../../../lambdas/core/ports.js';
import { hugeScanReport, typicalScanReport } from '../../../fixtures/reports/factories.js';

describe('LogNotifier', () => {
  describe('notify', () => {
    it('logs one structured line with the summary, facts and the result', async () => {
      const lines: Array<{ message: string; extra?: Record<string, unknown> }> = [];
      const log: Log = { debug() {}, warn() {}, error() {}, info: (message, extra) => void lines.push({ message, extra }) };
      const report = typicalScanReport();

      const sent = await new LogNotifier({ log }).notify(report, { idempotencyKey: 'exec-1#scan' });

      expect(lines).toEqual([{ message: 'Pipeline result', extra: sent.payload }]);
      expect(sent.payload).toMatchObject({
        summary: 'Compliance scan of payments-prod (111122223333, us-west-1): This deployment introduced 3 new failures and fixed 1. 84.2% compliant.',
        kind: 'scan',
        severity: 'critical',
        outcome: 'new-failures',
        awsAccount: '111122223333',
        result: report,
      });
    });
  });
});

describe('LogNotifier (size)', () => {
  describe('notify', () => {
    it('logs a trimmed copy of a result too big for one log event', async () => {
      const log: Log = { debug() {}, warn() {}, error() {}, info() {} };

      const sent = await new LogNotifier({ log }).notify(hugeScanReport(), { idempotencyKey: 'exec-2#scan' });

      expect(Buffer.byteLength(JSON.stringify(sent.payload))).toBeLessThan(256 * 1024);
      expect(sent.payload).toMatchObject({ result: { failedAssetCount: 1000, truncated: { note: expect.stringMatching(/Trimmed/) } } });
    });
  });
});
