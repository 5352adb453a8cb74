import type { DiagnosticsPipelineHarness } from '../../../local/sandbox/diagnostics/harness.js';
import { SIMULATED_CRASH_ERROR } from '../../../local/sandbox/state-machine-runner.js';
import { SIMULATOR_CREDENTIALS } from '../../../local/simulator/index.js';
import { alertBody, outcomeOf, reportOf, startHarness } from './support.js';

describe('AlertDiagnostics heals itself (e2e)', () => {
  let harness: DiagnosticsPipelineHarness;

  beforeAll(async () => {
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness.close();
  });

  /** Runs one single-device alert whose trace completes; `before` sets its faults up. */
  async function runAlert(alertId: number, before: (deviceId: string) => void) {
    const [deviceId] = harness.simulator.ensureAlert(alertId, { deviceCount: 1, applicationId: 1 }).deviceIds.map(String) as [string];
    before(deviceId);
    const answer = await harness.deliverWebhook(alertBody(alertId));
    await harness.idle();
    const executionName = `alert-${alertId}`;
    const starts = harness.runner.taskRuns.filter((run) => run.executionName === executionName && run.stateName === 'StartDeepTrace');
    return { answer, deviceId, executionName, starts, traces: harness.simulator.counters.tracesStarted[deviceId] ?? 0 };
  }

  const startPath = (deviceId: string) => new RegExp(`^/v1/devices/${deviceId}/deeptraces$`);

  it('diagnoses the device with one trace when the Lambda dies after its deep trace started (crash after the side effect)', async () => {
    const run = await runAlert(9_100_001, (deviceId) =>
      harness.simulator.faults.inject({ kind: 'crash-after-side-effect', path: startPath(deviceId), method: 'POST', api: 'zdx' }),
    );

    expect(run.answer.statusCode).toBe(202);
    expect(run.starts.map((task) => task.error?.name ?? 'ok')).toEqual([SIMULATED_CRASH_ERROR, 'ok']);
    expect(reportOf(harness, run.executionName).devices.map((device) => device.status)).toEqual(['diagnosed']);
    expect(run.traces).toBe(1);
  });

  it('recovers its trace by session name when the start reply is garbled, instead of failing or starting a second one', async () => {
    const run = await runAlert(9_100_002, (deviceId) =>
      harness.simulator.faults.inject({ kind: 'wrong-shape', path: startPath(deviceId), method: 'POST', api: 'zdx' }),
    );

    expect(reportOf(harness, run.executionName).devices.map((device) => device.status)).toEqual(['diagnosed']);
    expect(run.traces).toBe(1);
  });

  it('reports a trace that ends failed as failed, not as an error (a real failure keeps its name)', async () => {
    const run = await runAlert(9_100_003, (deviceId) => harness.simulator.update({ zdx: { deepTraces: { outcomes: { [deviceId]: 'failed' } } } }));

    expect(reportOf(harness, run.executionName).devices.map((device) => device.status)).toEqual(['failed']);
    expect(run.traces).toBe(1);
  });

  it('notifies "credentials rejected" naming the ZDX API key secret when the token endpoint refuses the key, never its value', async () => {
    const rotated = 'rotated-zdx-key-secret';
    try {
      const run = await runAlert(9_100_004, () => {
        harness.simulator.update({ credentials: { zdx: { keySecret: rotated } } });
        harness.simulator.zdx.revokeTokens();
      });

      const outcome = outcomeOf(harness, run.executionName);
      expect(outcome).toMatchObject({ status: 'FAILED', failure: { reason: 'CredentialsRejectedError' } });
      const sent = JSON.stringify(outcome.notifications);
      expect(sent).toContain('credentials rejected');
      expect(sent).toContain('fix the ZDX API key secret');
      for (const secret of [rotated, SIMULATOR_CREDENTIALS.zdx.keySecret]) expect(sent).not.toContain(secret);
      expect(run.traces).toBe(0);
    } finally {
      harness.simulator.update({ credentials: { zdx: { keySecret: SIMULATOR_CREDENTIALS.zdx.keySecret } } });
    }
  });
});
