import { BusyError } from '../../../../lambdas/core/errors.js';
import { DiagnosticsReportSchema, type DeviceDiagnosis, type FirstLook } from '../../../../lambdas/notify/results.js';
import { WebProbeMetricsSchema, type Analysis } from '../../../../lambdas/zscaler/zdx/schemas.js';
import { parseCondition, type Threshold } from '../../../../lambdas/diagnostics/domain/criteria.js';
import {
  analysisFindings,
  compactLook,
  confirmFirstLook,
  FIRST_LOOKS_MAX_BYTES,
  firstLookFromHistory,
  firstLookReport,
  firstLookWindow,
  MAX_EVIDENCE,
  pendingText,
  runFirstLook,
  withFirstLooks,
  type DeviceHistory,
  type FirstLookZdx,
} from '../../../../lambdas/diagnostics/steps/first-look.js';
import type { FirstLookProgress, ResolvedAlert } from '../../../../lambdas/diagnostics/domain/workflow-state.js';
import { poorWifiResults } from '../../../helpers/diagnostics/trace-fixture.js';

// Probe history has the shapes of a deep trace's results: the poor Wi-Fi trace fixture serves as history.
const poorWifiHistory: DeviceHistory = {
  webProbe: poorWifiResults.webProbeMetrics,
  cloudPath: poorWifiResults.cloudPath,
  health: poorWifiResults.healthMetrics,
  events: poorWifiResults.events,
  missing: [],
};
const threshold = parseCondition('Page Fetch Time > 3000 ms') as Threshold;
const timing = { secondsAfterWebhook: 3.14159, windowMinutes: 40 };

function look(overrides: Partial<FirstLook> = {}): FirstLook {
  return { verdict: 'network', headline: 'Network: weak Wi-Fi.', evidence: ['Wi-Fi weak.'], metrics: {}, secondsAfterWebhook: 2, windowMinutes: 40, missing: [], ...overrides };
}

function diagnosis(overrides: Partial<DeviceDiagnosis> = {}): DeviceDiagnosis {
  return {
    verdict: 'network',
    headline: 'Network: hop 1 (192.168.1.1) on Client → Egress adds 172 ms with 8% loss: the local gateway (Wi-Fi or home/office router); page fetch 4,950 ms vs the 3,000 ms threshold.',
    findings: [],
    metrics: {},
    ...overrides,
  };
}

describe('firstLookWindow', () => {
  it('starts 30 minutes before the alert and ends now', () => {
    expect(firstLookWindow(10_000, 12_000)).toEqual({ from: 8_200, to: 12_000 });
  });

  it('reaches at most 2 hours back (one reports request)', () => {
    expect(firstLookWindow(1_000, 100_000)).toEqual({ from: 100_000 - 7_200, to: 100_000 });
  });

  it('takes the last hour when the alert has no usable start, and never less than 5 minutes', () => {
    expect(firstLookWindow(undefined, 100_000)).toEqual({ from: 100_000 - 3_600 - 1_800, to: 100_000 });
    expect(firstLookWindow(200_000, 100_000)).toEqual({ from: 100_000 - 3_600 - 1_800, to: 100_000 });
    expect(firstLookWindow(99_999 + 1_800, 100_000 + 1_800)).toEqual({ from: 100_000 - 1, to: 101_800 });
  });
});

describe('firstLookFromHistory', () => {
  it('runs the deep-trace rules on the history: a poor Wi-Fi device is a network verdict with its evidence', () => {
    const result = firstLookFromHistory(poorWifiHistory, [threshold], timing);

    expect(result.verdict).toBe('network');
    expect(result.headline).toMatch(/^Network/);
    expect(result.evidence.length).toBeGreaterThan(0);
    expect(result.evidence.length).toBeLessThanOrEqual(MAX_EVIDENCE);
    expect(result.evidence.join(' ')).toContain('Wi-Fi signal averaged');
    expect(result.secondsAfterWebhook).toBe(3.1);
    expect(result.windowMinutes).toBe(40);
    expect(result.metrics.wifiSignalDbm).toBeLessThan(-70);
  });

  it('speaks of the history window, not of a trace', () => {
    const healthy: DeviceHistory = { webProbe: WebProbeMetricsSchema.parse([{ metric: 'pft', unit: 'ms', datapoints: [{ timestamp: 1, value: 900 }] }]), missing: [] };

    const result = firstLookFromHistory(healthy, [threshold], timing);

    expect(result.verdict).toBe('unknown');
    expect(result.headline).toContain('the problem did not reproduce in the last 40 minutes');
    expect(`${result.headline} ${result.evidence.join(' ')}`).not.toContain('trace');
  });

  it('is inconclusive, never throws, and says what was missing when nothing could be read', () => {
    const result = firstLookFromHistory({ missing: ['web probes: RateLimitedError: too many'] }, [threshold], timing);

    expect(result.verdict).toBe('unknown');
    expect(result.missing).toEqual(['web probes: RateLimitedError: too many']);
    expect(result.evidence.join(' ')).not.toContain('Not available');
  });

  it("adds Zscaler's score analysis as one more finding, and keeps within the evidence limit", () => {
    const analysis: Analysis = { analysisId: '1', status: 'completed', score: 41, issues: [{ category: 'Wi-Fi', reason: 'Weak signal', impact: 70 }] };

    const result = firstLookFromHistory({ ...poorWifiHistory, analysis }, [threshold], timing);

    expect(result.verdict).toBe('network');
    expect(result.evidence.length).toBeLessThanOrEqual(MAX_EVIDENCE);
    expect(result.evidence.at(-1)).toBe("Zscaler's score analysis (ZDX score 41): Wi-Fi: Weak signal, 70% of the score drop.");
  });
});

describe('compactLook', () => {
  it('drops the weakest findings, then the metrics, then shortens the headline, keeping the verdict and timing', () => {
    const full = firstLookFromHistory(poorWifiHistory, [threshold], timing);
    const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

    expect(compactLook(full, 100_000)).toEqual(full);
    const fewer = compactLook(full, size(full) - 1);
    expect(fewer.evidence).toEqual(full.evidence.slice(0, -1));
    const tiny = compactLook(full, 200);
    expect(tiny).toMatchObject({ verdict: 'network', evidence: [], metrics: {}, secondsAfterWebhook: 3.1 });
    expect(tiny.headline.length).toBeLessThanOrEqual(121);
    // 200 devices of one alert fit the first looks' share of the state.
    expect(200 * size(compactLook(full, Math.floor(FIRST_LOOKS_MAX_BYTES / 200)))).toBeLessThanOrEqual(FIRST_LOOKS_MAX_BYTES);
  });
});

describe('analysisFindings', () => {
  it('leaves out analyses that have not completed, and says when a completed one found nothing', () => {
    expect(analysisFindings(undefined)).toEqual([]);
    expect(analysisFindings({ status: 'in_progress', issues: [] })).toEqual([]);
    expect(analysisFindings({ status: 'completed', score: 88, issues: [] })).toEqual(["Zscaler's score analysis found no cause (ZDX score 88)."]);
  });
});

describe('confirmFirstLook', () => {
  it('confirms with the deep trace\'s reason when the verdicts agree', () => {
    expect(confirmFirstLook(look(), { status: 'diagnosed', diagnosis: diagnosis() })).toEqual({
      outcome: 'confirmed',
      text: 'first look: Network; deep trace: confirmed, hop 1 (192.168.1.1) on Client → Egress adds 172 ms with 8% loss: the local gateway (Wi-Fi or home/office router)',
    });
  });

  it('says what the deep trace changed and why', () => {
    const device = diagnosis({ verdict: 'device', headline: 'Device: CPU averaged 96% (peak 99%) (top CPU: MsMpEng.exe); page fetch 3,900 ms vs the 3,000 ms threshold.' });

    expect(confirmFirstLook(look(), { status: 'diagnosed', diagnosis: device })).toEqual({
      outcome: 'revised',
      text: 'first look: Network; deep trace: revised to Device, CPU averaged 96% (peak 99%) (top CPU: MsMpEng.exe)',
    });
    expect(confirmFirstLook(look({ verdict: 'unknown' }), { status: 'diagnosed', diagnosis: device }).text).toBe(
      'first look: Inconclusive (the history showed no cause); deep trace: revised to Device, CPU averaged 96% (peak 99%) (top CPU: MsMpEng.exe)',
    );
  });

  it('keeps the first look as the answer for a device without a deep-trace diagnosis', () => {
    expect(confirmFirstLook(look(), { status: 'capped', diagnosis: null, reason: 'not traced: the per-alert cap of 5 devices was reached' })).toEqual({
      outcome: 'not_traced',
      text: 'first look: Network; no deep-trace diagnosis (not traced: the per-alert cap of 5 devices was reached): the first look stands',
    });
    expect(confirmFirstLook(look(), { status: 'expired', diagnosis: null }).text).toContain('(expired)');
    expect(confirmFirstLook(undefined, { status: 'diagnosed', diagnosis: diagnosis() }).outcome).toBe('no_first_look');
  });
});

const resolved: ResolvedAlert = {
  alert: { alertId: '7', ruleName: 'Poor Outlook', severity: 'High', status: 'STARTED', applicationId: '1', startTime: 1_000 },
  thresholds: [threshold],
  devices: [
    { deviceId: 'a', appId: '1', deviceName: 'A' },
    { deviceId: 'b', appId: '1' },
  ],
  skipped: [{ deviceId: 'c', traceId: null, status: 'capped', diagnosis: null, reason: 'not traced: cap' }],
  unlistedDevices: 0,
  notes: [],
  startedAt: '2026-12-03T09:00:00.000Z',
};

function progress(looks: FirstLookProgress['looks'], remaining: FirstLookProgress['remaining'] = []): FirstLookProgress {
  return { looks, remaining, done: remaining.length === 0, slices: 1 };
}

describe('firstLookReport', () => {
  it('is a diagnostics report marked first-look, with the devices so far and what the deep traces add', () => {
    const report = firstLookReport({
      resolved,
      progress: progress(
        [
          { deviceId: 'a', deviceName: 'A', traced: true, look: look() },
          { deviceId: 'c', traced: false, look: look() },
        ],
        [{ deviceId: 'b', appId: '1', traced: true }],
      ),
      sessionLengthMinutes: 5,
      at: '2026-12-03T09:00:04.000Z',
    });

    expect(DiagnosticsReportSchema.parse(report)).toEqual(report);
    expect(report.phase).toBe('first-look');
    expect(report.devices.map((device) => [device.deviceId, device.status, device.firstLook?.verdict])).toEqual([
      ['a', 'first_look', 'network'],
      ['c', 'first_look', 'network'],
    ]);
    expect(report.summary.verdict).toBe('network');
    expect(report.summary.text).toBe(
      "First look from ZDX's history of the last 40 minutes: 2 devices so far (2 network). 1 more device still to look at; their first looks come with the deep-trace result.",
    );
    expect(report.pending).toBe(pendingText(2, 5));
    expect(report.pending).toContain('Deep traces on 2 devices (5-minute sessions)');
  });
});

describe('withFirstLooks', () => {
  it('gives each device its first look and confirmation, and counts them in the summary', () => {
    const base = {
      kind: 'diagnostics' as const,
      alert: resolved.alert,
      devices: [
        { deviceId: 'a', traceId: 't1', status: 'diagnosed' as const, diagnosis: diagnosis() },
        { deviceId: 'b', traceId: 't2', status: 'diagnosed' as const, diagnosis: diagnosis({ verdict: 'device', headline: 'Device: CPU averaged 96%.' }) },
        { deviceId: 'c', traceId: null, status: 'capped' as const, diagnosis: null, reason: 'not traced: cap' },
      ],
      summary: { verdict: 'network' as const, text: 'Most likely the network.', diagnosed: 2, notDiagnosed: 1 },
      startedAt: resolved.startedAt,
      completedAt: resolved.startedAt,
      links: {},
    };
    const looks = progress([
      { deviceId: 'a', traced: true, look: look() },
      { deviceId: 'b', traced: true, look: look() },
      { deviceId: 'c', traced: false, look: look({ verdict: 'application' }) },
    ]);

    const report = withFirstLooks(base, looks);

    expect(report.phase).toBe('final');
    expect(report.devices.map((device) => device.confirmation?.outcome)).toEqual(['confirmed', 'revised', 'not_traced']);
    expect(report.devices[2]?.firstLook?.verdict).toBe('application');
    expect(report.summary.text).toBe(
      'Most likely the network. First looks: 3 devices; the deep traces 1 confirmed, 1 revised, 1 not traced (the first look stands). 3 of 3 devices have a verdict.',
    );
    expect(withFirstLooks(base, undefined)).toEqual({ ...base, phase: 'final' });
  });
});

describe('runFirstLook', () => {
  /** A port that answers from memory and records the order devices were read in. */
  function memoryZdx(order: string[]): FirstLookZdx {
    return {
      devices: {
        webProbes: async (deviceId) => {
          order.push(String(deviceId));
          return [{ id: '1001', name: 'Outlook', numProbes: 1, avgScore: 40, avgPft: 4000 }];
        },
        cloudPathProbes: async () => [],
        webProbeHistory: async () => poorWifiHistory.webProbe!,
        cloudPathHistory: async () => poorWifiHistory.cloudPath!,
        healthMetrics: async () => poorWifiHistory.health!,
        events: async () => {
          throw new Error('events unavailable');
        },
      },
    };
  }

  it('looks at every device, those past the cap too, in order, and names what failed', async () => {
    const order: string[] = [];
    let now = 0;

    const result = await runFirstLook({ resolved, webhookAt: 0 }, { zdx: memoryZdx(order), scoreAnalysis: false, clock: { now: () => (now += 500) } }, { startBefore: Number.POSITIVE_INFINITY, concurrency: 1 });

    expect(order).toEqual(['a', 'b', 'c']);
    expect(result).toMatchObject({ done: true, remaining: [], slices: 1 });
    expect(result.looks.map((entry) => [entry.deviceId, entry.traced, entry.look.verdict])).toEqual([
      ['a', true, 'network'],
      ['b', true, 'network'],
      ['c', false, 'network'],
    ]);
    expect(result.looks[0]?.look.missing).toEqual([
      'Cloud Path history: no Cloud Path probe for the application on this device',
      'events: Error: events unavailable',
    ]);
  });

  it('leaves a device for the next slice, without a gap in its evidence, when the budget has no room for its calls', async () => {
    const order: string[] = [];
    const zdx = memoryZdx(order);
    const busy: FirstLookZdx = {
      devices: {
        ...zdx.devices,
        healthMetrics: async (deviceId) => {
          if (String(deviceId) === 'b') throw new BusyError('the shared rate budget has no room before the deadline');
          return poorWifiHistory.health!;
        },
      },
    };

    const result = await runFirstLook({ resolved, webhookAt: 0 }, { zdx: busy, scoreAnalysis: false, clock: { now: () => 0 } }, { startBefore: Number.POSITIVE_INFINITY, concurrency: 1 });

    expect(result.looks.map((entry) => entry.deviceId)).toEqual(['a']);
    expect(result.remaining.map((entry) => entry.deviceId)).toEqual(['b', 'c']);
    expect(result.done).toBe(false);
  });

  it('stops starting devices when its slice ends, and goes on from where it stopped', async () => {
    const order: string[] = [];
    let now = 0;
    const clock = { now: () => now };
    const zdx = memoryZdx(order);
    const deps = { zdx, scoreAnalysis: false, clock };

    const first = await runFirstLook({ resolved, webhookAt: 0 }, { ...deps, clock: { now: () => (now += 1_000) } }, { startBefore: 1_500, concurrency: 1 });
    expect(first.looks.map((entry) => entry.deviceId)).toEqual(['a']);
    expect(first.remaining.map((entry) => entry.deviceId)).toEqual(['b', 'c']);
    expect(first.done).toBe(false);

    const late = await runFirstLook({ resolved, webhookAt: 0, progress: first }, deps, { startBefore: -1, concurrency: 2 });
    expect(late.looks.map((entry) => entry.deviceId)).toEqual(['a', 'b']);

    const second = await runFirstLook({ resolved, webhookAt: 0, progress: first }, deps, { startBefore: Number.POSITIVE_INFINITY, concurrency: 2 });
    expect(second.looks.map((entry) => entry.deviceId).sort()).toEqual(['a', 'b', 'c']);
    expect(second).toMatchObject({ done: true, slices: 2 });
  });
});
