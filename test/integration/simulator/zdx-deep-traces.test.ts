import { SEEDED_ALERT_ID, startSimulator, type RunningSimulator } from '#simulator/index.js';
import { call, zdxToken } from './simulator-http.js';
import { manualClock } from '../../helpers/clock.js';

type Json = any;
const FIVE_MINUTES = 300_000;

describe('Simulator ZDX deep traces', () => {
  const clock = manualClock();
  let sim: RunningSimulator;
  let token: string;
  const start = (deviceId: number, body: Record<string, unknown> = {}) =>
    call(sim, 'POST', `/v1/devices/${deviceId}/deeptraces`, {
      token,
      body: { session_name: `trace ${deviceId}`, app_id: 1, web_probe_id: 1001, cloudpath_probe_id: 2001, session_length_minutes: 5, probe_device: true, ...body },
    });
  const get = (deviceId: number, traceId: string, suffix = '') => call(sim, 'GET', `/v1/devices/${deviceId}/deeptraces/${traceId}${suffix}`, { token });

  beforeEach(async () => {
    sim = await startSimulator({ clock, config: { zdx: { rateLimit: { enabled: false } } } });
    token = await zdxToken(sim, clock.now());
  });
  afterEach(async () => {
    await sim.close();
  });

  describe('POST /v1/devices/{id}/deeptraces', () => {
    it('starts a trace with a digit-string id that moves through its states over the session length', async () => {
      const [deviceId] = sim.zdx.affectedDeviceIds(SEEDED_ALERT_ID) as [number];

      const started = await start(deviceId);
      const traceId = started.json.trace_id as string;
      const statuses: string[] = [];
      for (const at of [0, 20_000, 40_000, 200_000, FIVE_MINUTES]) {
        clock.advance(started.json.created_at * 1000 + at + 999 - clock.now());
        statuses.push((await get(deviceId, traceId)).json.status);
      }

      expect(started.status).toBe(200);
      expect(traceId).toMatch(/^\d{15}$/);
      expect(started.json).toMatchObject({ status: 'not_started', expected_time: 300, trace_details: { app_id: 1, web_probe_id: 1001, cloudpath_probe_id: 2001, session_length: 5 } });
      expect(statuses).toEqual(['not_started', 'started', 'in_progress', 'in_progress', 'completed']);
    });

    it('accepts the cloud_path_probe_id spelling', async () => {
      const [deviceId] = sim.zdx.affectedDeviceIds(SEEDED_ALERT_ID) as [number];

      const started = await start(deviceId, { cloudpath_probe_id: undefined, cloud_path_probe_id: 2001 });

      expect(started.json.trace_details.cloudpath_probe_id).toBe(2001);
    });

    it('answers 400 naming the field for an invalid body', async () => {
      const [deviceId] = sim.zdx.affectedDeviceIds(SEEDED_ALERT_ID) as [number];

      const badLength = await start(deviceId, { session_length_minutes: 7 });
      const badProbe = await start(deviceId, { web_probe_id: 1002 });

      expect(badLength.status).toBe(400);
      expect(badLength.json.message).toMatch(/session_length_minutes: must be one of 5, 15, 30, 60/);
      expect(badProbe.json.message).toMatch(/web_probe_id/);
    });

    it('rejects a second active trace on the same device with 409', async () => {
      const [deviceId] = sim.zdx.affectedDeviceIds(SEEDED_ALERT_ID) as [number];
      await start(deviceId);

      const second = await start(deviceId);
      clock.advance(FIVE_MINUTES);
      const afterCompletion = await start(deviceId);

      expect(second.status).toBe(409);
      expect(second.json.code).toBe('DEEPTRACE_ALREADY_ACTIVE');
      expect(afterCompletion.status).toBe(200);
    });

    it('never exceeds the tenant cap and records the highest concurrency', async () => {
      sim.update({ zdx: { deepTraces: { tenantCap: 15 } } });
      const { deviceIds } = sim.ensureAlert(990001, { deviceCount: 40 });

      const statuses: number[] = [];
      for (const deviceId of deviceIds.slice(0, 20)) statuses.push((await start(deviceId)).status);
      clock.advance(FIVE_MINUTES);
      for (const deviceId of deviceIds.slice(20)) statuses.push((await start(deviceId)).status);

      expect(statuses.slice(0, 20).filter((s) => s === 200)).toHaveLength(15);
      expect(statuses.slice(15, 20)).toEqual([409, 409, 409, 409, 409]);
      expect(statuses.slice(20).filter((s) => s === 200)).toHaveLength(15);
      expect(sim.counters.maxConcurrentActiveTraces).toBe(15);
      expect(sim.zdx.activeTraceCount()).toBe(15);
    });

    it('rejects over the cap with 429 when configured so', async () => {
      sim.update({ zdx: { deepTraces: { tenantCap: 1, capRejectStatus: 429 } } });
      const [first, second] = sim.zdx.affectedDeviceIds(SEEDED_ALERT_ID) as [number, number];
      await start(first);

      const rejected = await start(second);

      expect(rejected.status).toBe(429);
      expect(rejected.json.code).toBe('DEEPTRACE_LIMIT_REACHED');
    });
  });

  describe('outcomes', () => {
    it('ends failed or expired for devices configured so', async () => {
      const [a, b] = sim.zdx.affectedDeviceIds(SEEDED_ALERT_ID) as [number, number];
      sim.update({ zdx: { deepTraces: { outcomes: { [String(a)]: 'failed', [String(b)]: 'expired' } } } });

      const failed = (await start(a)).json.trace_id;
      const expired = (await start(b)).json.trace_id;
      clock.advance(200_000);
      const midway = [(await get(a, failed)).json.status, (await get(b, expired)).json.status];
      clock.advance(FIVE_MINUTES);
      const end = [(await get(a, failed)).json.status, (await get(b, expired)).json.status];

      expect(midway).toEqual(['failed', 'not_started']);
      expect(end).toEqual(['failed', 'expired']);
    });
  });

  describe('GET and DELETE', () => {
    it('lists the device traces and deletes one with its data', async () => {
      const [deviceId] = sim.zdx.affectedDeviceIds(SEEDED_ALERT_ID) as [number];
      const traceId = (await start(deviceId)).json.trace_id;

      const list = await call(sim, 'GET', `/v1/devices/${deviceId}/deeptraces`, { token });
      const deleted = await call(sim, 'DELETE', `/v1/devices/${deviceId}/deeptraces/${traceId}`, { token });
      const after = await get(deviceId, traceId);

      expect(list.json.map((t: Json) => t.trace_id)).toEqual([traceId]);
      expect(deleted.json).toEqual({ trace_id: traceId });
      expect(after.status).toBe(404);
      expect(sim.zdx.activeTraceCount()).toBe(0);
    });
  });

  describe('results', () => {
    async function completedResults(deviceId: number): Promise<Record<string, Json>> {
      const traceId = (await start(deviceId)).json.trace_id;
      clock.advance(FIVE_MINUTES);
      const out: Record<string, Json> = {};
      for (const name of ['webprobe-metrics', 'cloudpath-metrics', 'cloudpath', 'health-metrics', 'events', 'top-processes']) {
        out[name] = (await get(deviceId, traceId, `/${name}`)).json;
      }
      return out;
    }
    const series = (metrics: Json[], name: string): number[] => metrics.find((m) => m.metric === name).datapoints.map((d: Json) => d.value);
    const avg = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const health = (r: Json, category: string, metric: string) => avg(series(r['health-metrics'].find((c: Json) => c.category === category).instances[0].metrics, metric));
    const legLatency = (r: Json, src: string) => avg(series(r['cloudpath-metrics'].find((l: Json) => l.leg_src === src).stats, 'latency'));

    it('returns empty results before the trace has data', async () => {
      const [deviceId] = sim.zdx.affectedDeviceIds(SEEDED_ALERT_ID) as [number];
      const traceId = (await start(deviceId)).json.trace_id;

      const result = await get(deviceId, traceId, '/webprobe-metrics');

      expect(result.json).toEqual([]);
    });

    it('differ by device profile so each diagnosis can differ', async () => {
      const [wifi, cpu, zen] = sim.zdx.affectedDeviceIds(SEEDED_ALERT_ID) as [number, number, number];
      const [slow] = sim.ensureAlert(990002, { deviceCount: 1, profiles: ['app-server-slow'] }).deviceIds as [number];

      const r = { wifi: await completedResults(wifi), cpu: await completedResults(cpu), zen: await completedResults(zen), slow: await completedResults(slow) };

      expect(health(r.wifi, 'wifi', 'signal_quality')).toBeLessThan(40);
      expect(legLatency(r.wifi, 'Client')).toBeGreaterThan(100);
      expect(r.wifi.events.flatMap((e: Json) => e.events).filter((e: Json) => e.category === 'Network').length).toBeGreaterThanOrEqual(2);
      expect(health(r.cpu, 'cpu', 'pct_total')).toBeGreaterThan(85);
      expect(health(r.cpu, 'memory', 'pct_used')).toBeGreaterThan(85);
      expect(r.cpu['top-processes'][0].top_processes[0].processes[0].name).toMatch(/MsMpEng\.exe|mds_stores/);
      expect(legLatency(r.zen, 'Egress')).toBeGreaterThan(150);
      expect(legLatency(r.zen, 'Client')).toBeLessThan(20);
      expect(avg(series(r.slow['webprobe-metrics'], 'pft'))).toBeGreaterThan(5000);
      expect(avg(series(r.slow['webprobe-metrics'], 'server_response_time'))).toBeGreaterThan(4000);
      expect(Math.max(...['Client', 'Egress', 'ZEN'].map((leg) => legLatency(r.slow, leg)))).toBeLessThan(30);
      expect(r.zen.cloudpath[0].cloudpath[1].hops.at(-1).ip).toMatch(/^165\.225\./);
    });
  });
});
