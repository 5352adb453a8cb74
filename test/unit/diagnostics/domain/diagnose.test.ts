import { DiagnosticsReportSchema } from '../../../../lambdas/notify/results.js';
import { parseCondition, type Threshold } from '../../../../lambdas/diagnostics/domain/criteria.js';
import { deviceResult, diagnoseAlert, diagnoseDevice, formatNumber, hopRole } from '../../../../lambdas/diagnostics/domain/diagnose.js';
import { summarizeTraceResults } from '../../../../lambdas/diagnostics/domain/trace-results.js';
import type { DeviceRun, ResolvedAlert, TraceEvidence } from '../../../../lambdas/diagnostics/domain/workflow-state.js';
import { poorWifiResults } from '../../../helpers/diagnostics/trace-fixture.js';

const poorWifi = summarizeTraceResults(poorWifiResults);

const threshold = parseCondition('Page Fetch Time > 3000 ms') as Threshold;

function stats(avg: number, max = avg, min = avg) {
  return { avg, max, min, samples: 5 };
}

const cleanLegs: TraceEvidence['legs'] = [
  { name: 'Client → Egress', kind: 'local', latencyMs: 4, lossPercent: 0 },
  { name: 'Egress → ZEN', kind: 'to_zscaler', latencyMs: 11, lossPercent: 0 },
  { name: 'ZEN → outlook.office365.com', kind: 'to_app', latencyMs: 18, lossPercent: 0 },
];

function evidence(overrides: Partial<TraceEvidence>): TraceEvidence {
  return {
    web: { pageFetchMs: stats(1100), dnsMs: stats(14), tcpMs: stats(22), sslMs: stats(45), serverResponseMs: stats(260) },
    legs: cleanLegs,
    health: { cpuPercent: stats(18), memoryPercent: stats(46), wifiSignalDbm: stats(-52) },
    events: [],
    topProcesses: [{ category: 'cpu', name: 'chrome.exe', samples: 5, ofSamples: 5 }],
    missing: [],
    ...overrides,
  };
}

const highCpu = evidence({
  web: { pageFetchMs: stats(3900, 4100), serverResponseMs: stats(310) },
  health: { cpuPercent: stats(96, 100), memoryPercent: stats(93, 95) },
  topProcesses: [
    { category: 'cpu', name: 'MsMpEng.exe', samples: 5, ofSamples: 5 },
    { category: 'memory', name: 'Teams.exe', samples: 5, ofSamples: 5 },
  ],
});

const zscalerEdge = evidence({
  web: { pageFetchMs: stats(4300), tcpMs: stats(240), serverResponseMs: stats(420) },
  legs: [cleanLegs[0]!, { name: 'Egress → ZEN', kind: 'to_zscaler', latencyMs: 219, lossPercent: 1.2 }, cleanLegs[2]!],
  worstHop: { leg: 'Egress → ZEN', legKind: 'to_zscaler', index: 3, ip: '165.225.20.4', addedLatencyMs: 209, lossPercent: 0, isLast: true },
  events: [{ category: 'Zscaler', text: 'Zscaler Service Edge Change: San Jose IV → Washington DC III' }],
});

const slowServer = evidence({ web: { pageFetchMs: stats(6600), dnsMs: stats(14), tcpMs: stats(22), serverResponseMs: stats(5400) } });

const resolved: ResolvedAlert = {
  alert: { alertId: '7263519', ruleName: 'Poor Outlook Online Page Fetch Time', severity: 'High', status: 'STARTED', applicationId: '4' },
  thresholds: [threshold],
  devices: [],
  skipped: [{ deviceId: '1009', traceId: null, status: 'skipped_cooldown', diagnosis: null, reason: 'skipped: traced at …' }],
  unlistedDevices: 0,
  notes: [],
  zdxUrl: 'https://admin.zdxcloud.net/zdx/alerts/7263519',
  startedAt: '2025-11-22T09:00:00.000Z',
};

function run(deviceId: string, evidenceValue: TraceEvidence): DeviceRun {
  return { device: { deviceId, deviceName: `LAPTOP-${deviceId}`, appId: '4' }, outcome: 'traced', traceId: `t-${deviceId}`, traceStatus: 'completed', evidence: evidenceValue };
}

describe('diagnose', () => {
  describe('diagnoseDevice', () => {
    it('blames the local network on a weak Wi-Fi with a slow, lossy first hop', () => {
      const diagnosis = diagnoseDevice(poorWifi, [threshold]);

      expect(diagnosis.verdict).toBe('network');
      expect(diagnosis.headline).toMatch(/^Network: hop 1 \(192\.168\.1\.1\) on Client → Egress adds 165 ms with 10% loss: the local gateway/);
      expect(diagnosis.headline).toMatch(/page fetch 5,013 ms vs the 3,000 ms threshold\.$/);
      expect(diagnosis.findings).toEqual(
        expect.arrayContaining([
          "Page fetch averaged 5,013 ms (max 5,200 ms) against the alert's 3,000 ms threshold.",
          'Wi-Fi signal averaged -82.4 dBm (weakest -84 dBm; below -70 dBm is weak).',
          expect.stringMatching(/^Events: \[Network\] Wi-Fi Access Point Change/),
          expect.stringMatching(/^Heaviest processes: cpu: chrome\.exe \(5\/5 samples\)/),
        ]),
      );
      expect(diagnosis.metrics).toMatchObject({ pageFetchMs: 5012.5, thresholdMs: 3000, wifiSignalDbm: -82.4, worstHopAddedMs: 165 });
    });

    it('blames the device when CPU and memory are saturated, naming the heaviest process', () => {
      const diagnosis = diagnoseDevice(highCpu, [threshold]);

      expect(diagnosis.verdict).toBe('device');
      expect(diagnosis.headline).toBe(
        'Device: CPU averaged 96% (peak 100%); also memory use averaged 93% (peak 95%) (top CPU: MsMpEng.exe); page fetch 3,900 ms vs the 3,000 ms threshold.',
      );
    });

    it('blames Zscaler when the service edge hop carries the latency', () => {
      const diagnosis = diagnoseDevice(zscalerEdge, [threshold]);

      expect(diagnosis.verdict).toBe('zscaler');
      expect(diagnosis.headline).toMatch(/^Zscaler: hop 3 \(165\.225\.20\.4\) on Egress → ZEN adds 209 ms: the Zscaler service edge itself/);
    });

    it('blames the application when the server is slow over a clean path', () => {
      const diagnosis = diagnoseDevice(slowServer, [threshold]);

      expect(diagnosis.verdict).toBe('application');
      expect(diagnosis.headline).toBe('Application: the server takes 5,400 ms to answer (82% of the page fetch); page fetch 6,600 ms vs the 3,000 ms threshold.');
    });

    it('points at the application by elimination when path and device are clean', () => {
      const diagnosis = diagnoseDevice(evidence({ web: { pageFetchMs: stats(4200) } }), [threshold]);

      expect(diagnosis.verdict).toBe('application');
      expect(diagnosis.headline).toMatch(/^Application: the network path is clean \(33 ms end to end, no loss\) and the device is healthy/);
    });

    it('says inconclusive when the problem did not reproduce during the trace', () => {
      const diagnosis = diagnoseDevice(evidence({}), [threshold]);

      expect(diagnosis.verdict).toBe('unknown');
      expect(diagnosis.headline).toBe('Inconclusive: the problem did not reproduce during the trace; page fetch 1,100 ms vs the 3,000 ms threshold.');
    });

    it('says inconclusive without evidence and lists what was missing', () => {
      const diagnosis = diagnoseDevice({ web: {}, legs: [], health: {}, events: [], topProcesses: [], missing: ['cloudpath: 404'] }, []);

      expect(diagnosis.verdict).toBe('unknown');
      expect(diagnosis.findings).toEqual(['Not available: cloudpath: 404.']);
    });

    it('blames a slow DNS resolver on the network', () => {
      const diagnosis = diagnoseDevice(evidence({ web: { pageFetchMs: stats(3600), dnsMs: stats(1400), serverResponseMs: stats(300) } }), [threshold]);

      expect(diagnosis.verdict).toBe('network');
      expect(diagnosis.headline).toMatch(/^Network: DNS resolution takes 1,400 ms: check the resolver the device uses/);
    });
  });

  describe('hopRole', () => {
    it('tells the Zscaler egress, the internet path and the application server apart on the way out', () => {
      const base = { leg: 'ZEN → app', legKind: 'to_app' as const, ip: '52.1.1.1', addedLatencyMs: 100, lossPercent: 0 };

      expect(hopRole({ ...base, index: 1, isLast: false }).suspect).toBe('zscaler');
      expect(hopRole({ ...base, index: 2, isLast: false }).suspect).toBe('network');
      expect(hopRole({ ...base, index: 3, isLast: true }).suspect).toBe('application');
    });
  });

  describe('deviceResult', () => {
    it('reports a failed trace with the Lambda error message from the Cause', () => {
      const result = deviceResult(
        {
          device: { deviceId: '1', appId: '4' },
          outcome: 'error',
          traceId: null,
          error: { Error: 'JobFailedError', Cause: JSON.stringify({ errorType: 'JobFailedError', errorMessage: 'device 1 already has an active deep trace', trace: [] }) },
        },
        [threshold],
      );

      expect(result).toEqual({ deviceId: '1', traceId: null, status: 'error', diagnosis: null, reason: 'JobFailedError: device 1 already has an active deep trace' });
    });

    it('maps expired and failed traces to their reported statuses', () => {
      const expired = deviceResult({ device: { deviceId: '2', appId: '4' }, outcome: 'expired', traceId: 't', traceStatus: 'expired' }, []);
      const failed = deviceResult({ device: { deviceId: '3', appId: '4' }, outcome: 'failed', traceId: 't', traceStatus: 'failed' }, []);

      expect(expired).toMatchObject({ status: 'expired', traceStatus: 'expired', reason: expect.stringContaining('did not answer') });
      expect(failed).toMatchObject({ status: 'failed', reason: 'the deep trace ended failed; no results to read' });
    });
  });

  describe('diagnoseAlert', () => {
    it('names the majority cause, counts every device and validates as a report', () => {
      const report = diagnoseAlert({
        resolved,
        runs: [
          run('1001', slowServer),
          run('1002', evidence({ web: { pageFetchMs: stats(5100), serverResponseMs: stats(4300) } })),
          run('1003', highCpu),
          { device: { deviceId: '1004', appId: '4' }, outcome: 'expired', traceId: 't-1004', traceStatus: 'expired' },
        ],
        executionUrl: 'https://console.aws.amazon.com/states/x',
        completedAt: '2025-11-22T09:07:00.000Z',
      });

      expect(DiagnosticsReportSchema.safeParse(report).success).toBe(true);
      expect(report.summary).toEqual({
        verdict: 'application',
        text: 'Most likely the application: 2 of 3 diagnosed devices point to it; 1 to the devices themselves. Diagnosed 3 of 5 affected devices (1 trace expired, 1 in cooldown).',
        diagnosed: 3,
        notDiagnosed: 2,
      });
      expect(report.devices.map((device) => [device.deviceId, device.status])).toEqual([
        ['1001', 'diagnosed'],
        ['1002', 'diagnosed'],
        ['1003', 'diagnosed'],
        ['1004', 'expired'],
        ['1009', 'skipped_cooldown'],
      ]);
      expect(report.links).toEqual({ zdx: 'https://admin.zdxcloud.net/zdx/alerts/7263519', execution: 'https://console.aws.amazon.com/states/x' });
    });

    it('calls a tie a mixed picture and points out a public hop that several devices share', () => {
      const report = diagnoseAlert({ resolved: { ...resolved, skipped: [] }, runs: [run('1', zscalerEdge), run('2', zscalerEdge), run('3', highCpu), run('4', highCpu)], completedAt: 'x' });

      expect(report.summary.verdict).toBe('unknown');
      expect(report.summary.text).toContain('Mixed picture: 2 of 4 diagnosed devices point to Zscaler, 2 of 4 diagnosed devices point to the devices themselves.');
      expect(report.summary.text).toContain('2 devices share their worst hop 165.225.20.4 on Egress → ZEN.');
    });

    it('says so when no device could be diagnosed, with the notes of the resolution', () => {
      const report = diagnoseAlert({
        resolved: { ...resolved, skipped: [], notes: ['the alert names no application, and a deep trace needs one; nothing traced'] },
        runs: [],
        completedAt: 'x',
      });

      expect(report.summary.text).toBe('No device could be diagnosed. Diagnosed 0 of 0 affected devices. The alert names no application, and a deep trace needs one; nothing traced.');
    });
  });

  describe('formatNumber', () => {
    it('groups thousands', () => {
      expect(formatNumber(4980.4)).toBe('4,980');
    });
  });
});
