import type { DeviceResult } from '../../../lambdas/notify/results.js';
import { DiagnosticsPipelineHarness } from '../../../local/sandbox/diagnostics/harness.js';
import { alertBody, outcomeOf, reportOf } from './support.js';

const ALERT_ID = 9_400_001;

describe('AlertDiagnostics first look (e2e)', () => {
  let harness: DiagnosticsPipelineHarness;
  let deviceIds: string[];

  beforeAll(async () => {
    harness = await DiagnosticsPipelineHarness.start({
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
      zdxRate: { perSecond: 200, perMinute: 20_000 },
      simulator: { zdx: { rateLimit: { perSecond: 1_000, perMinute: 100_000 } } },
      // Two traced devices and two past the cap: those get a first look and nothing else.
      config: { diagnostics: { maxDevicesPerAlert: 2 }, notifications: { slack: { enabled: true }, sns: { enabled: true }, eventBridge: { enabled: true } } },
    });
    const alert = harness.simulator.ensureAlert(ALERT_ID, { deviceCount: 4, profiles: ['poor-wifi', 'high-cpu', 'zscaler-latency', 'app-server-slow'] });
    deviceIds = alert.deviceIds.map(String);
    const [wifi, cpu, zscaler, app] = alert.deviceIds;
    harness.simulator.zdx.setHistoryVisibility(wifi!, 'clear');
    // The CPU problem began inside ZDX's reporting delay: only the deep trace sees it.
    harness.simulator.zdx.setHistoryVisibility(cpu!, 'absent');
    harness.simulator.zdx.setHistoryVisibility(zscaler!, 'clear');
    harness.simulator.zdx.setHistoryVisibility(app!, 'clear');
    harness.simulator.resetCounters();

    const answer = await harness.deliverWebhook(alertBody(ALERT_ID));
    expect(answer.statusCode).toBe(202);
    await harness.idle();
  });

  afterAll(async () => {
    await harness.close();
  });

  const device = (id: string): DeviceResult => {
    const found = reportOf(harness, `alert-${ALERT_ID}`).devices.find((candidate) => candidate.deviceId === id);
    if (!found) throw new Error(`device ${id} is not in the report`);
    return found;
  };

  it('reads the history of every affected device, also those past the trace cap, and never meets a 429', () => {
    for (const id of deviceIds) {
      // The first look asks for its window; the deep trace's own probe lookups do not.
      const history = harness.simulator.calls.filter((call) => call.path.startsWith(`/v1/devices/${id}/`) && call.query.from !== undefined);
      expect(history.map((call) => call.path.split('/').slice(4).join('/')).sort()).toEqual(
        ['apps/1/cloudpath-probes', 'apps/1/cloudpath-probes/2001/cloudpath', 'apps/1/web-probes', 'apps/1/web-probes/1001', 'events', 'health-metrics'].sort(),
      );
      expect(history.every((call) => call.status === 200 && Number(call.query.to) - Number(call.query.from) <= 2 * 3600)).toBe(true);
    }
    expect(harness.simulator.counters.responses429).toBe(0);
  });

  it('notifies the first look before any deep trace starts', () => {
    const runs = harness.runner.taskRuns.filter((run) => run.executionName === `alert-${ALERT_ID}`).map((run) => run.stateName);
    expect(runs.indexOf('NotifyFirstLook')).toBeGreaterThan(runs.indexOf('FirstLook'));
    expect(runs.indexOf('NotifyFirstLook')).toBeLessThan(runs.indexOf('StartDeepTrace'));
  });

  it('sends exactly two messages per channel: the first look, then the diagnosis', () => {
    const sent = outcomeOf(harness, `alert-${ALERT_ID}`).notifications;
    const byChannel = (channel: string) => sent.filter((notification) => notification.channel === channel).map((notification) => JSON.stringify(notification.payload));
    for (const channel of ['slack', 'sns', 'eventbridge']) expect(byChannel(channel)).toHaveLength(2);
    const [firstEvent, finalEvent] = sent.filter((notification) => notification.channel === 'eventbridge').map((notification) => notification.payload as { DetailType: string });
    expect([firstEvent?.DetailType, finalEvent?.DetailType]).toEqual(['DiagnosticsFirstLook', 'DiagnosticsCompleted']);
    const [firstSns, finalSns] = sent.filter((notification) => notification.channel === 'sns').map((notification) => notification.payload as { Subject: string; Message: string });
    expect(firstSns?.Subject).toContain('first look');
    expect(firstSns?.Message).toContain("FIRST LOOK from ZDX's history");
    expect(firstSns?.Message).toContain('Deep traces on 2 devices');
    expect(finalSns?.Subject).not.toContain('first look');
    const [firstSlack] = byChannel('slack');
    expect(firstSlack).toContain('First look');
  });

  it('gives every device a first look with its evidence and the seconds since the webhook', () => {
    for (const id of deviceIds) {
      const look = device(id).firstLook;
      expect(look).toBeDefined();
      expect(look!.secondsAfterWebhook).toBeGreaterThanOrEqual(0);
      expect(look!.evidence.length).toBeGreaterThan(0);
      expect(look!.missing).toEqual([]);
    }
    const [wifi, , zscaler, app] = deviceIds;
    expect(device(wifi!).firstLook?.verdict).toBe('network');
    expect(device(zscaler!).firstLook?.verdict).toBe('zscaler');
    expect(device(app!).firstLook?.verdict).toBe('application');
  });

  it('says per device whether the deep trace confirmed the first look or what it changed', () => {
    const [wifi, cpu, zscaler, app] = deviceIds;
    expect(device(wifi!).confirmation).toEqual({ outcome: 'confirmed', text: expect.stringMatching(/^first look: Network; deep trace: confirmed, .*hop 1 \(192\.168\.1\.1\).* adds \d+ ms with [\d.]+% loss/) });
    expect(device(cpu!).firstLook?.verdict).toBe('unknown');
    expect(device(cpu!).confirmation).toEqual({ outcome: 'revised', text: expect.stringMatching(/^first look: Inconclusive \(the history showed no cause\); deep trace: revised to Device, CPU averaged/) });
    for (const capped of [zscaler!, app!]) {
      expect(device(capped).status).toBe('capped');
      expect(device(capped).confirmation?.outcome).toBe('not_traced');
    }
    const report = reportOf(harness, `alert-${ALERT_ID}`);
    expect(report.phase).toBe('final');
    expect(report.summary.text).toContain('First looks: 4 devices; the deep traces 1 confirmed, 1 revised, 2 not traced (the first look stands). 4 of 4 devices have a verdict.');
  });
});
