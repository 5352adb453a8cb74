import { EVENT_LIMITS, eventEntrySize, renderEvent } from '../../../../lambdas/notify/render/event-render.js';
import { PipelineResultSchema } from '../../../../lambdas/notify/results.js';
import {
  diagnosticsFailureReport,
  failedAsset,
  failureReport,
  hugeDiagnosticsReport,
  hugeScanReport,
  scanReport,
  typicalDiagnosticsReport,
  typicalScanReport,
} from '../../../fixtures/reports/factories.js';
import { expectEventWithinLimits } from '../limits.js';

describe('renderEvent', () => {
  describe('detail types', () => {
    it('names each kind of result', () => {
      const types = [typicalScanReport(), typicalDiagnosticsReport(), failureReport(), diagnosticsFailureReport()].map((r) => renderEvent(r).DetailType);

      expect(types).toEqual(['ScanCompleted', 'DiagnosticsCompleted', 'ScanFailed', 'DiagnosticsFailed']);
    });

    it('puts the result, its severity and outcome in the detail on the configured bus', () => {
      const entry = renderEvent(typicalScanReport(), { eventBusName: 'zsa-bus' });

      const detail = JSON.parse(entry.Detail);
      expect(entry).toMatchObject({ Source: 'zsa', DetailType: 'ScanCompleted', EventBusName: 'zsa-bus' });
      expect(detail).toMatchObject({ kind: 'scan', severity: 'critical', outcome: 'new-failures', jobId: 'job-1001' });
      expect(PipelineResultSchema.parse(detail)).toEqual(typicalScanReport());
    });
  });

  describe('size', () => {
    it('keeps the huge reports within the entry limit', () => {
      expectEventWithinLimits(renderEvent(hugeScanReport()));
      expectEventWithinLimits(renderEvent(hugeDiagnosticsReport()));
    });

    it('trims an oversized result and says so, keeping the counts', () => {
      const assets = Array.from({ length: 5000 }, (_, i) => failedAsset(i, { shortTitle: 'y'.repeat(200) }));
      const report = scanReport({ topFailures: assets, failedAssetCount: 5000 });

      const entry = renderEvent(report);

      expectEventWithinLimits(entry);
      expect(eventEntrySize(entry)).toBeGreaterThan(EVENT_LIMITS.maxEntryBytes / 2);
      const detail = JSON.parse(entry.Detail);
      expect(detail.truncated.note).toMatch(/Counts are complete/);
      expect(PipelineResultSchema.parse(detail)).toMatchObject({ failedAssetCount: 5000 });
    });

    it('falls back to identifiers and counts when a result carries extra data no trimming reaches', () => {
      const extra = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`${'k'.repeat(100)}${i}`, i]));
      const report = { ...typicalDiagnosticsReport(), extra } as ReturnType<typeof typicalDiagnosticsReport>;

      const entry = renderEvent(report);

      expectEventWithinLimits(entry);
      expect(JSON.parse(entry.Detail)).toMatchObject({ kind: 'diagnostics', alertId: '7263519', diagnosed: 3, truncated: { note: expect.any(String) } });
    });
  });
});
