import { classifyLeg, statsOf, summarizeTraceResults } from '../../../../lambdas/diagnostics/domain/trace-results.js';
import { DeviceEventsSchema, WebProbeMetricsSchema } from '../../../../lambdas/zscaler/zdx/schemas.js';
import { poorWifiResults as raw } from '../../../helpers/diagnostics/trace-fixture.js';

describe('trace-results', () => {
  describe('summarizeTraceResults', () => {
    it('reads web timings, skipping -1 datapoints', () => {
      const evidence = summarizeTraceResults(raw);

      expect(evidence.web.pageFetchMs).toEqual({ avg: 5012.5, max: 5200, min: 4800, samples: 4 });
      expect(evidence.web.dnsMs?.avg).toBe(142.5);
      expect(evidence.web.tcpMs?.avg).toBe(315);
      expect(evidence.web.sslMs?.avg).toBe(405);
      expect(evidence.web.serverResponseMs?.avg).toBe(295);
      expect(evidence.web.availabilityPercent?.min).toBe(100);
    });

    it('builds the legs with their kinds and merges the metrics endpoint into them', () => {
      const evidence = summarizeTraceResults(raw);

      expect(evidence.legs.map((leg) => [leg.name, leg.kind])).toEqual([
        ['Client → Egress', 'local'],
        ['Egress → ZEN', 'to_zscaler'],
        ['ZEN → outlook.office365.com', 'to_app'],
      ]);
      expect(evidence.legs[0]).toMatchObject({ lossPercent: 9, hops: 2 });
      expect(evidence.legs[1]).toMatchObject({ tunnel: 'ZTunnel 2.0', unresponsiveHops: 1 });
    });

    it('finds the hop that adds the most latency, ignoring hops that answer no probes', () => {
      const evidence = summarizeTraceResults(raw);

      expect(evidence.worstHop).toEqual({
        leg: 'Client → Egress',
        legKind: 'local',
        index: 1,
        ip: '192.168.1.1',
        addedLatencyMs: 165,
        lossPercent: 10,
        isLast: false,
      });
    });

    it('reads health, events and the most frequent top processes', () => {
      const evidence = summarizeTraceResults(raw);

      expect(evidence.health.cpuPercent?.avg).toBe(20.8);
      expect(evidence.health.memoryPercent?.avg).toBe(45.8);
      expect(evidence.health.wifiSignalDbm).toEqual({ avg: -82.4, max: -81, min: -84, samples: 5 });
      expect(evidence.health.wifiSignalPercent?.avg).toBe(21);
      expect(evidence.events).toEqual([
        { at: 1763801000, category: 'Network', text: 'Wi-Fi Access Point Change: a4:2b:b0:11:22:31 → a4:2b:b0:11:22:47' },
        { at: 1763801120, category: 'Network', text: 'Wi-Fi SSID Change: Corp-5G → Corp-Guest' },
      ]);
      expect(evidence.topProcesses.slice(0, 2)).toEqual([
        { category: 'cpu', name: 'chrome.exe', samples: 5, ofSamples: 5 },
        { category: 'cpu', name: 'Teams.exe', samples: 5, ofSamples: 5 },
      ]);
    });

    it('reads bodies the client unwrapped from one object, and seconds as a unit', () => {
      const evidence = summarizeTraceResults({
        webProbeMetrics: WebProbeMetricsSchema.parse({ metrics: [{ metric: 'Page Fetch Time', unit: 's', datapoints: [{ timestamp: 1, value: 4.2 }] }] }),
        events: DeviceEventsSchema.parse({ timestamp: 5, instances: [{ category: 'Zscaler', name: 'zen', display_name: 'ZEN change', prev: 'A', curr: 'B' }] }),
      });

      expect(evidence.web.pageFetchMs?.avg).toBe(4200);
      expect(evidence.events).toEqual([{ at: 5, category: 'Zscaler', text: 'ZEN change: A → B' }]);
    });

    it('says nothing it does not know', () => {
      const evidence = summarizeTraceResults({ webProbeMetrics: [], cloudPath: [{ timestamp: 1, cloudpath: [] }], healthMetrics: [], events: DeviceEventsSchema.parse({}), topProcesses: [] });

      expect(evidence).toEqual({ web: {}, legs: [], health: {}, events: [], topProcesses: [], missing: [] });
    });
  });

  describe('classifyLeg', () => {
    it('classifies legs of a direct path by position', () => {
      expect(classifyLeg('Client', 'Egress', { index: 0, count: 2, zscalerIndex: -1 })).toBe('local');
      expect(classifyLeg('Egress', 'app.example.com', { index: 1, count: 2, zscalerIndex: -1 })).toBe('direct');
      expect(classifyLeg('ZIA Service Edge', 'ZPA Broker', { index: 2, count: 3, zscalerIndex: 1 })).toBe('zscaler');
    });
  });

  describe('statsOf', () => {
    it('ignores -1 and answers undefined without data', () => {
      expect(statsOf([-1, 10, 20])).toEqual({ avg: 15, max: 20, min: 10, samples: 2 });
      expect(statsOf([-1])).toBeUndefined();
    });
  });
});
