import type { DiagnosticsPipelineHarness } from '../../../local/sandbox/diagnostics/harness.js';
import { alertBody, reportOf, startHarness } from './support.js';

describe('AlertDiagnostics fan-out (e2e)', () => {
  let harness: DiagnosticsPipelineHarness;

  beforeAll(async () => {
    harness = await startHarness({
      simulator: { zdx: { deepTraces: { tenantCap: 15 } } },
      config: { diagnostics: { maxDevicesPerAlert: 40, tenantTraceCap: 15, mapConcurrency: 40 } },
      retryIntervalMs: 60,
    });
  });

  afterAll(async () => {
    await harness.close();
  });

  describe('tenant trace slots', () => {
    it('never has more than 15 traces active for 40 devices, and traces or reports every device', async () => {
      const alert = harness.simulator.ensureAlert(9_400_001, { deviceCount: 40 });
      harness.simulator.resetCounters();

      await harness.deliverWebhook(alertBody(9_400_001));
      await harness.idle();
      const report = reportOf(harness, 'alert-9400001');

      expect(harness.simulator.counters.maxConcurrentActiveTraces).toBeLessThanOrEqual(15);
      expect(harness.simulator.counters.maxConcurrentActiveTraces).toBeGreaterThan(1);
      expect(harness.simulator.calls.filter((call) => call.method === 'POST' && call.status === 409)).toEqual([]);
      expect(report.devices.map((device) => device.deviceId).sort()).toEqual(alert.deviceIds.map(String).sort());
      for (const device of report.devices) expect(['diagnosed', 'capped']).toContain(device.status);
    });
  });

  describe('rate limits', () => {
    it('completes with nothing lost when ZDX answers a burst of 429s', async () => {
      const alert = harness.simulator.ensureAlert(9_400_002, { deviceCount: 5 });
      harness.simulator.resetCounters();
      // Every deep-trace call of the 5 devices draws from the burst until it is used up.
      harness.simulator.faults.inject({ kind: 'rate-limit', path: /^\/v1\/devices\//, count: 12 });

      await harness.deliverWebhook(alertBody(9_400_002));
      await harness.idle();
      const report = reportOf(harness, 'alert-9400002');

      expect(harness.simulator.counters.responses429).toBe(12);
      expect(report.devices.map((device) => [device.deviceId, device.status]).sort()).toEqual(alert.deviceIds.map((id) => [String(id), 'diagnosed']).sort());
      for (const id of alert.deviceIds) expect(harness.simulator.counters.tracesStarted[String(id)]).toBe(1);
    });
  });
});
