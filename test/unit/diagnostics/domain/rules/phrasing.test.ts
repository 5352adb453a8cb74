import { phrase, type RuleFinding } from '../../../../../lambdas/diagnostics/domain/rules/phrasing.js';

const hop = { leg: 'Client → Egress', legKind: 'local' as const, index: 1, ip: '192.168.1.1', addedLatencyMs: 165, lossPercent: 10, isLast: false };

describe('phrasing', () => {
  it.each<[RuleFinding, string]>([
    [{ rule: 'symptom.page-fetch', facts: { avgMs: 5012.5, maxMs: 5200 } }, 'Page fetch averaged 5,013 ms (max 5,200 ms).'],
    [{ rule: 'symptom.page-fetch', facts: { avgMs: 4000, maxMs: 12_340, threshold: { ms: 3000, crossed: 'average' } } }, "Page fetch averaged 4,000 ms (max 12.3 s) against the alert's 3,000 ms threshold."],
    [{ rule: 'symptom.page-fetch', facts: { avgMs: 2000, maxMs: 3500, threshold: { ms: 3000, crossed: 'peaks' } } }, "Page fetch averaged 2,000 ms (max 3,500 ms), crossing the alert's 3,000 ms threshold only at peaks."],
    [{ rule: 'symptom.page-fetch', facts: { avgMs: 1100, maxMs: 1100, threshold: { ms: 3000, crossed: 'never' } } }, "Page fetch averaged 1,100 ms (max 1,100 ms), under the alert's 3,000 ms threshold during the whole trace."],
    [{ rule: 'symptom.alert-threshold', facts: { metric: 'DNS Time', measuredMs: 250, thresholdMs: 200 } }, "DNS Time measured 250 ms against the alert's 200 ms threshold."],
    [{ rule: 'symptom.availability', facts: { minPercent: 66.66 } }, 'Availability dropped to 66.7% during the trace.'],
    [{ rule: 'web.breakdown', facts: { tcpMs: 22, serverResponseMs: 260 } }, 'Timing breakdown (averages): TCP connect 22 ms, server response 260 ms.'],
    [{ rule: 'path.legs', facts: { legs: [{ name: 'Client → Egress', kind: 'local', latencyMs: 4, lossPercent: 0.25 }, { name: 'Egress → ZEN', kind: 'to_zscaler' }] } }, 'Cloud path: Client → Egress 4 ms, 0.3% loss; Egress → ZEN n/a.'],
    [{ rule: 'health.normal', facts: { cpuPercent: 18, memoryPercent: 46.04, wifiSignalDbm: -52 } }, 'Device health normal for: CPU 18%, memory 46%, Wi-Fi -52 dBm.'],
    [{ rule: 'events.list', facts: { events: [{ category: 'Network', text: 'IP change' }, { category: 'Zscaler', text: 'ZEN change' }] } }, 'Events: [Network] IP change; [Zscaler] ZEN change.'],
    [
      { rule: 'processes.top', facts: { processes: [{ category: 'cpu', name: 'a.exe', samples: 5, ofSamples: 5 }, { category: 'memory', name: 'b.exe', samples: 2, ofSamples: 5 }, { category: 'cpu', name: 'c.exe', samples: 1, ofSamples: 5 }] } },
      'Heaviest processes: cpu: a.exe (5/5 samples), c.exe (1/5 samples); memory: b.exe (2/5 samples).',
    ],
  ])('says a finding that blames nobody as one sentence: %j', (finding, line) => {
    expect(phrase(finding).line).toBe(line);
  });

  it.each<[RuleFinding, string]>([
    [{ rule: 'web.dns', facts: { dnsMs: 1400 }, blame: { suspect: 'network', weight: 3 } }, 'DNS resolution takes 1,400 ms: check the resolver the device uses'],
    [{ rule: 'web.tcp', facts: { tcpMs: 300 }, blame: { suspect: 'network', weight: 1.5 } }, 'TCP connect takes 300 ms, a slow or lossy path'],
    [{ rule: 'web.tls', facts: { sslMs: 900, tcpMs: 0 }, blame: { suspect: 'application', weight: 1 } }, 'the TLS handshake takes 900 ms while the TCP connect takes 0 ms: the server (or TLS inspection) is slow to handshake'],
    [{ rule: 'web.server', facts: { serverResponseMs: 5400, shareOfFetch: 1.2 }, blame: { suspect: 'application', weight: 3.5 } }, 'the server takes 5,400 ms to answer (100% of the page fetch)'],
    [{ rule: 'web.server', facts: { serverResponseMs: 1000 }, blame: { suspect: 'application', weight: 2.5 } }, 'the server takes 1,000 ms to answer'],
    [{ rule: 'path.leg-loss', facts: { leg: 'ZIA', lossPercent: 1.25 }, blame: { suspect: 'zscaler', weight: 1.4 } }, '1.3% packet loss on ZIA'],
    [{ rule: 'path.leg-latency', facts: { leg: 'ISP', legMs: 120, pathMs: 150 }, blame: { suspect: 'network', weight: 1.5 } }, '80% of the path latency (120 ms of 150 ms) is on ISP'],
    [{ rule: 'health.cpu', facts: { avgPercent: 96, peakPercent: 100 }, blame: { suspect: 'device', weight: 3.5 } }, 'CPU averaged 96% (peak 100%)'],
    [{ rule: 'health.memory', facts: { avgPercent: 93, peakPercent: 95 }, blame: { suspect: 'device', weight: 2 } }, 'memory use averaged 93% (peak 95%)'],
    [{ rule: 'health.disk', facts: { avgPercent: 97.25 }, blame: { suspect: 'device', weight: 1 } }, 'disk at 97.3%'],
    [{ rule: 'health.wifi-signal', facts: { avgDbm: -82.4, weakestDbm: -84 }, blame: { suspect: 'network', weight: 3 } }, 'Wi-Fi signal averaged -82.4 dBm (weakest -84 dBm; below -70 dBm is weak)'],
    [{ rule: 'health.wifi-quality', facts: { avgPercent: 40, weakestPercent: 22 }, blame: { suspect: 'network', weight: 1.5 } }, 'Wi-Fi signal quality averaged 40% (weakest 22%)'],
    [
      { rule: 'elimination.application', facts: { pathLatencyMs: 33, pageFetchMs: 4200 }, blame: { suspect: 'application', weight: 2 } },
      'the network path is clean (33 ms end to end, no loss) and the device is healthy, yet the page fetch takes 4,200 ms',
    ],
  ])('gives a blame a reason and lists it as a sentence: %j', (finding, reason) => {
    expect(phrase(finding)).toEqual({ reason, line: `${reason.charAt(0).toUpperCase()}${reason.slice(1)}.` });
  });

  it('lists the worst hop under its own heading, naming loss from COUNTED_LOSS_PERCENT', () => {
    const where = 'the local gateway (Wi-Fi or home/office router)';

    expect(phrase({ rule: 'path.worst-hop', facts: { hop, where }, blame: { suspect: 'network', weight: 4 } })).toEqual({
      reason: `hop 1 (192.168.1.1) on Client → Egress adds 165 ms with 10% loss: ${where}`,
      line: `Worst hop: hop 1 (192.168.1.1) on Client → Egress adds 165 ms with 10% loss: ${where}.`,
    });
    expect(phrase({ rule: 'path.worst-hop', facts: { hop: { ...hop, lossPercent: 0.99 }, where }, blame: { suspect: 'network', weight: 2.8 } }).reason).toBe(
      `hop 1 (192.168.1.1) on Client → Egress adds 165 ms: ${where}`,
    );
  });

  it('gives the blames of events a reason only: the events line lists them', () => {
    expect(phrase({ rule: 'events.network', facts: { count: 1, first: 'IP change' }, blame: { suspect: 'network', weight: 0.75 } })).toEqual({
      reason: 'the network changed once during the trace (IP change)',
    });
    expect(phrase({ rule: 'events.network', facts: { count: 3, first: 'IP change' }, blame: { suspect: 'network', weight: 1.5 } }).reason).toBe(
      'the network changed 3 times during the trace (IP change)',
    );
    expect(phrase({ rule: 'events.zscaler', facts: { count: 1, first: 'ZEN change' }, blame: { suspect: 'zscaler', weight: 0.75 } })).toEqual({
      reason: 'Zscaler events during the trace (ZEN change)',
    });
    expect(phrase({ rule: 'events.device', facts: { count: 1, first: 'driver update' }, blame: { suspect: 'device', weight: 0.5 } })).toEqual({
      reason: 'device changes during the trace (driver update)',
    });
  });
});
