import type { DiagnosticsPipelineHarness } from '../../../local/sandbox/diagnostics/harness.js';
import { SEEDED_ALERT_ID, SIMULATOR_CREDENTIALS, ZIDENTITY_TOKEN_PATH } from '../../../local/simulator/index.js';
import { STARTED_ALERT, alertBody, outcomeOf, reportOf, startHarness } from './support.js';

const RESULT_ENDPOINTS = ['webprobe-metrics', 'cloudpath-metrics', 'cloudpath', 'health-metrics', 'events', 'top-processes'];

/** The pipeline reaching ZDX through OneAPI with a ZIdentity API client, the deployment's `zdx.auth: "oneapi"`. */
describe('AlertDiagnostics through OneAPI (e2e)', () => {
  let harness: DiagnosticsPipelineHarness;

  beforeAll(async () => {
    harness = await startHarness({ zdxAuth: 'oneapi' });
  });

  afterAll(async () => {
    await harness.close();
  });

  it('diagnoses the seeded alert through /zdx/v1 only, with one ZIdentity token request for the burst of three devices', async () => {
    const deviceIds = harness.simulator.zdx.affectedDeviceIds(SEEDED_ALERT_ID).map(String);

    const answer = await harness.deliverWebhook(STARTED_ALERT);
    await harness.idle();

    expect(answer.statusCode).toBe(202);
    const calls = harness.simulator.calls;
    expect(calls.filter((call) => call.path !== ZIDENTITY_TOKEN_PATH).every((call) => call.path.startsWith('/zdx/v1/'))).toBe(true);
    expect(calls.filter((call) => call.path === ZIDENTITY_TOKEN_PATH)).toHaveLength(1);
    expect(harness.simulator.counters.tokenRequests).toEqual({ [`zidentity:${SIMULATOR_CREDENTIALS.oneApi.clientId}`]: 1 });
    const starts = calls.filter((call) => call.method === 'POST' && call.path.endsWith('/deeptraces'));
    expect(starts.map((call) => call.path.split('/')[4]).sort()).toEqual([...deviceIds].sort());
    for (const endpoint of RESULT_ENDPOINTS) {
      expect(calls.filter((call) => call.status === 200 && call.path.includes('/deeptraces/') && call.path.endsWith(`/${endpoint}`))).toHaveLength(3);
    }
    const report = reportOf(harness, 'alert-7263519');
    expect(report.devices.map((device) => device.status)).toEqual(['diagnosed', 'diagnosed', 'diagnosed']);
    expect(new Set(report.devices.map((device) => device.diagnosis?.verdict))).toEqual(new Set(['network', 'device', 'zscaler']));
    // The first look, then the diagnosis: two messages on the one channel.
    expect(outcomeOf(harness, 'alert-7263519').notifications).toHaveLength(2);
  });

  it('diagnoses every device when the result endpoints answer with one object each (the Python SDK reading)', async () => {
    harness.simulator.update({ zdx: { deepTraces: { resultShape: 'object' } } });
    const alert = harness.simulator.ensureAlert(9_400_001, { deviceCount: 3, profiles: ['high-cpu', 'zscaler-latency', 'app-server-slow'] });
    harness.simulator.resetCalls();

    const answer = await harness.deliverWebhook(alertBody(alert.alertId));
    await harness.idle();

    expect(answer.statusCode).toBe(202);
    const calls = harness.simulator.calls;
    expect(calls.every((call) => call.path.startsWith('/zdx/v1/'))).toBe(true);
    for (const endpoint of RESULT_ENDPOINTS) {
      expect(calls.filter((call) => call.status === 200 && call.path.includes('/deeptraces/') && call.path.endsWith(`/${endpoint}`))).toHaveLength(3);
    }
    const report = reportOf(harness, `alert-${alert.alertId}`);
    expect(report.devices.map((device) => device.status)).toEqual(['diagnosed', 'diagnosed', 'diagnosed']);
    expect(report.devices.every((device) => device.diagnosis !== undefined && device.diagnosis !== null)).toBe(true);
  });
});
