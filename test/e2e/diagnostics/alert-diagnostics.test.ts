import type { DiagnosticsPipelineHarness } from '../../../local/sandbox/diagnostics/harness.js';
import { SEEDED_ALERT_ID } from '../../../local/simulator/index.js';
import { STARTED_ALERT, alertBody, outcomeOf, reportOf, startHarness, tracesStarted } from './support.js';

describe('AlertDiagnostics (e2e)', () => {
  let harness: DiagnosticsPipelineHarness;

  beforeAll(async () => {
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness.close();
  });

  describe('webhook -> state machine', () => {
    it("traces the 3 affected devices of a STARTED High alert with the app's probes, diagnoses each and notifies once", async () => {
      const deviceIds = harness.simulator.zdx.affectedDeviceIds(SEEDED_ALERT_ID).map(String);

      const answer = await harness.deliverWebhook(STARTED_ALERT);
      await harness.idle();

      expect(answer.statusCode).toBe(202);
      expect(answer.body.executionName).toBe('alert-7263519');
      const starts = harness.simulator.calls.filter((call) => call.method === 'POST' && call.path.endsWith('/deeptraces'));
      expect(starts.map((call) => call.path.split('/')[3]).sort()).toEqual([...deviceIds].sort());
      for (const call of starts) expect(call.body).toMatchObject({ app_id: 1, web_probe_id: 1001, cloudpath_probe_id: 2001, session_length_minutes: 5, probe_device: true });
      for (const endpoint of ['webprobe-metrics', 'cloudpath-metrics', 'cloudpath', 'health-metrics', 'events', 'top-processes']) {
        expect(harness.simulator.calls.filter((call) => call.status === 200 && call.path.includes('/deeptraces/') && call.path.endsWith(`/${endpoint}`))).toHaveLength(3);
      }
      expect(harness.simulator.calls.some((call) => call.method === 'DELETE')).toBe(false);
      const report = reportOf(harness, 'alert-7263519');
      expect(report.devices.map((device) => device.status)).toEqual(['diagnosed', 'diagnosed', 'diagnosed']);
      expect(new Set(report.devices.map((device) => device.diagnosis?.verdict))).toEqual(new Set(['network', 'device', 'zscaler']));
      expect(report.summary).toMatchObject({ diagnosed: 3, notDiagnosed: 0 });
      expect(outcomeOf(harness, 'alert-7263519').notifications).toEqual([
        { channel: 'sns', payload: expect.objectContaining({ Subject: expect.stringContaining('first look'), Message: expect.stringContaining('Alert id:       7263519') }) },
        { channel: 'sns', payload: expect.objectContaining({ Subject: expect.not.stringContaining('first look'), Message: expect.stringContaining('Alert id:       7263519') }) },
      ]);
    });

    it('starts no extra traces when the same alert is delivered again', async () => {
      const before = tracesStarted(harness);

      const again = await harness.deliverWebhook(STARTED_ALERT);
      await harness.idle();

      expect(again.statusCode).toBe(200);
      expect(again.body.message).toBe('alert 7263519 was already received; nothing new started');
      expect(tracesStarted(harness)).toBe(before);
      expect(harness.executions()).toHaveLength(1);
    });

    it('answers the portal test webhook with 200 and starts nothing', async () => {
      const executions = harness.executions().length;
      const calls = harness.simulator.calls.length;

      const answer = await harness.deliverWebhook(JSON.stringify({ ruleName: 'test', alertId: 1, status: 'STARTED', severity: 'High' }));

      expect(answer).toEqual({ statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: { message: 'test webhook received; nothing started' } });
      expect(harness.executions()).toHaveLength(executions);
      expect(harness.simulator.calls).toHaveLength(calls);
    });

    it('answers 401 without a credential and with a wrong one', async () => {
      const executions = harness.executions().length;

      const missing = await harness.deliverWebhook(alertBody(9_300_001), { headers: { 'content-type': 'application/json' } });
      const wrong = await harness.deliverWebhook(alertBody(9_300_001), { headers: { authorization: 'Bearer not-the-configured-token', 'content-type': 'application/json' } });

      expect(missing.statusCode).toBe(401);
      expect(missing.body.message).toBe('missing Authorization header');
      expect(wrong.statusCode).toBe(401);
      expect(wrong.body.message).toBe('wrong credential');
      expect(harness.executions()).toHaveLength(executions);
    });
  });

  describe('per-device outcomes', () => {
    it('reports a trace that ends Failed or Expired while the other devices are still diagnosed', async () => {
      const alert = harness.simulator.ensureAlert(9_300_002, { deviceCount: 3, profiles: ['app-server-slow', 'healthy', 'poor-wifi'] });
      const [failedDevice, expiredDevice, okDevice] = alert.deviceIds.map(String);
      harness.simulator.update({ zdx: { deepTraces: { outcomes: { [failedDevice!]: 'failed', [expiredDevice!]: 'expired' } } } });

      await harness.deliverWebhook(alertBody(9_300_002));
      await harness.idle();
      const report = reportOf(harness, 'alert-9300002');

      expect(Object.fromEntries(report.devices.map((device) => [device.deviceId, device.status]))).toEqual({
        [failedDevice!]: 'failed',
        [expiredDevice!]: 'expired',
        [okDevice!]: 'diagnosed',
      });
      expect(report.devices.find((device) => device.deviceId === expiredDevice)?.reason).toContain('did not answer');
      expect(report.summary.text).toContain('Diagnosed 1 of 3 affected devices (1 trace failed, 1 trace expired).');
      expect(report.devices.find((device) => device.status === 'diagnosed')?.diagnosis?.verdict).toBe('network');
      // The first look, then the diagnosis.
      expect(outcomeOf(harness, 'alert-9300002').notifications).toHaveLength(2);
    });

    it('skips devices in cooldown and says so when the alert is traced again within the window', async () => {
      const alert = harness.simulator.ensureAlert(9_300_003, { deviceCount: 2, profiles: ['app-server-slow', 'app-server-slow'] });
      await harness.deliverWebhook(alertBody(9_300_003));
      await harness.idle();
      const before = tracesStarted(harness);

      const request = await harness.requestManually({ alertId: 9_300_003 }, 'evt-again');
      await harness.idle();
      const report = reportOf(harness, 'manual-alert-9300003-evt-again');

      expect(request.delivered).toBe(true);
      expect(tracesStarted(harness)).toBe(before);
      expect(report.devices.map((device) => [device.deviceId, device.status])).toEqual(alert.deviceIds.map((id) => [String(id), 'skipped_cooldown']));
      expect(report.devices[0]?.reason).toMatch(/^skipped: traced at .* for alert 9300003; cooldown until /);
      expect(report.summary.text).toContain('Diagnosed 0 of 2 affected devices (2 in cooldown).');
    });

    it('traces one device and application on a manual request', async () => {
      const alert = harness.simulator.ensureAlert(9_300_004, { deviceCount: 1, profiles: ['app-server-slow'], applicationId: 4 });

      await harness.requestManually({ deviceId: alert.deviceIds[0], appId: 4 }, 'evt-manual-1');
      await harness.idle();
      const report = reportOf(harness, `manual-${alert.deviceIds[0]}-4-evt-manual-1`);

      expect(report.devices).toEqual([expect.objectContaining({ deviceId: String(alert.deviceIds[0]), status: 'diagnosed' })]);
      expect(report.devices[0]?.diagnosis?.verdict).toBe('application');
    });

    it('notifies the failure when the alert cannot be read at all', async () => {
      await harness.deliverWebhook(alertBody(9_399_999));
      await harness.idle();
      const outcome = outcomeOf(harness, 'alert-9399999');

      expect(outcome.status).toBe('FAILED');
      expect(outcome.failure).toMatchObject({ reason: 'NotFoundError' });
      expect(outcome.notifications).toEqual([{ channel: 'sns', payload: expect.objectContaining({ Subject: expect.stringMatching(/fail/i) }) }]);
    });
  });
});
