import {
  AlertSchema,
  AlertsPageSchema,
  AppsPageSchema,
  CloudPathSchema,
  DeepTraceSchema,
  DeletedDeepTraceSchema,
  DeviceEventsSchema,
  StartDeepTraceSchema,
  WebProbeMetricsSchema,
} from '../../../../lambdas/zscaler/zdx/schemas.js';

describe('ZDX schemas', () => {
  describe('AlertSchema', () => {
    it('turns numeric ids into strings and snake_case into camelCase', () => {
      const alert = AlertSchema.parse({
        id: 7,
        rule_name: 'Slow app',
        severity: 'High',
        alert_status: 'Ongoing',
        started_on: 1_700_000_000,
        application: { id: 12, name: 'Salesforce' },
        geolocations: [{ id: 'US-CA', city: 'San Jose' }],
      });

      expect(alert).toMatchObject({
        id: '7',
        ruleName: 'Slow app',
        alertStatus: 'Ongoing',
        startedOn: 1_700_000_000,
        application: { id: '12', name: 'Salesforce' },
        departments: [],
        geolocations: [{ id: 'US-CA', city: 'San Jose' }],
      });
    });

    it('names the wire field that is wrong', () => {
      const result = AlertSchema.safeParse({ id: 7, rule_name: 3, severity: 'High' });

      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['rule_name']);
    });
  });

  describe('AlertsPageSchema', () => {
    it('reads next_offset as a string or null', () => {
      expect(AlertsPageSchema.parse({ alerts: [], next_offset: 20 }).nextOffset).toBe('20');
      expect(AlertsPageSchema.parse({ alerts: [] }).nextOffset).toBeNull();
    });
  });

  describe('AppsPageSchema', () => {
    it('reads a bare array as one final page', () => {
      expect(AppsPageSchema.parse([{ id: 1, name: 'Teams', score: 80 }])).toEqual({
        apps: [{ id: '1', name: 'Teams', score: 80, stats: undefined, mostImpactedRegion: undefined, totalUsers: undefined }],
        nextOffset: null,
      });
    });
  });

  describe('DeepTraceSchema', () => {
    it('accepts trace_id as a number or a string and an open status', () => {
      expect(DeepTraceSchema.parse({ trace_id: 1, status: 'started', expected_time: 7200 })).toMatchObject({ traceId: '1', status: 'started' });
      expect(DeepTraceSchema.parse({ trace_id: '342941739947287', status: 'whatever_new' })).toMatchObject({ traceId: '342941739947287' });
    });

    it('reads both probe-id and both session-length spellings', () => {
      const go = DeepTraceSchema.parse({ trace_id: 1, status: 'x', trace_details: { cloud_path_probe_id: 5, session_length: 15 } });
      const py = DeepTraceSchema.parse({ trace_id: 1, status: 'x', trace_details: { cloudpath_probe_id: 6, session_length_minutes: 30 } });

      expect(go.traceDetails).toMatchObject({ cloudpathProbeId: '5', sessionLengthMinutes: 15 });
      expect(py.traceDetails).toMatchObject({ cloudpathProbeId: '6', sessionLengthMinutes: 30 });
    });
  });

  describe('DeletedDeepTraceSchema', () => {
    it('accepts { trace_id } and an empty body', () => {
      expect(DeletedDeepTraceSchema.parse({ trace_id: 3 })).toEqual({ traceId: '3' });
      expect(DeletedDeepTraceSchema.parse(undefined)).toEqual({ traceId: null });
    });
  });

  describe('DeviceEventsSchema', () => {
    it('reads the inner list under `events` or `instances`', () => {
      const item = { category: 'Network', name: 'ssid', display_name: 'SSID', prev: 'home', curr: { ssid: 'cafe' } };

      const fromPy = DeviceEventsSchema.parse([{ timestamp: 1, events: [item] }]);
      const fromGo = DeviceEventsSchema.parse([{ timestamp: 2, instances: [item] }]);

      expect(fromPy[0]?.events[0]).toEqual({ category: 'Network', name: 'ssid', displayName: 'SSID', prev: 'home', curr: '{"ssid":"cafe"}' });
      expect(fromGo[0]?.events).toHaveLength(1);
    });
  });

  describe('result endpoints', () => {
    const metric = { metric: 'pft', unit: 'ms', datapoints: [{ timestamp: 1, value: 200 }] };

    it('accept a bare array, a wrapping object and a single object alike', () => {
      expect(WebProbeMetricsSchema.parse([metric])).toHaveLength(1);
      expect(WebProbeMetricsSchema.parse({ metrics: [metric, metric] })).toHaveLength(2);
      expect(WebProbeMetricsSchema.parse(metric)).toHaveLength(1);
      expect(WebProbeMetricsSchema.parse(null)).toEqual([]);
      expect(WebProbeMetricsSchema.parse({ data: [metric] })).toHaveLength(1);
      // A list under a key that is not one of the wrappers is a field of the single item.
      expect(DeviceEventsSchema.parse({ timestamp: 5, instances: [] })).toEqual([{ timestamp: 5, events: [] }]);
    });

    it('reads a single cloudpath sample whose own field is called cloudpath', () => {
      const sample = { timestamp: 5, cloudpath: { src: 'device', dst: 'zen', latency: 12, hops: [{ ip: '10.0.0.1', latency_avg: 3 }] } };

      const parsed = CloudPathSchema.parse(sample);

      expect(parsed).toEqual([
        {
          timestamp: 5,
          cloudpath: [expect.objectContaining({ src: 'device', dst: 'zen', latency: 12, hops: [expect.objectContaining({ ip: '10.0.0.1', latencyAvg: 3 })] })],
        },
      ]);
    });
  });

  describe('StartDeepTraceSchema', () => {
    it('requires a probe and a supported session length', () => {
      expect(StartDeepTraceSchema.safeParse({ sessionName: 's', appId: 1 }).success).toBe(false);
      expect(StartDeepTraceSchema.safeParse({ sessionName: 's', appId: 1, webProbeId: 2, sessionLengthMinutes: 7 }).success).toBe(false);
      expect(StartDeepTraceSchema.safeParse({ sessionName: 's', appId: '1', cloudpathProbeId: '2', sessionLengthMinutes: 5 }).success).toBe(true);
    });
  });
});
