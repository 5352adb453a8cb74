import { ApiError, InvalidInputError, NotFoundError } from '../../../lambdas/core/errors.js';
import { HttpClient } from '../../../lambdas/core/http/http-client.js';
import { ZdxClient, fetchZdxToken } from '../../../lambdas/zscaler/zdx/client.js';
import { summarizeTraceResults } from '../../../lambdas/diagnostics/domain/trace-results.js';
import { SIMULATOR_CREDENTIALS, startSimulator, type RunningSimulator } from '../../../local/simulator/index.js';
import { MemoryTokenSource, eventually, failure } from './helpers.js';

/** Contract of the client's history and score-analysis methods against the simulator over real HTTP. */
describe('ZdxClient history and score analysis (contract, simulator)', () => {
  let sim: RunningSimulator;
  let zdx: ZdxClient;
  let wifi: number;
  let cpu: number;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, config: { timeScale: 0.0002, zdx: { rateLimit: { perSecond: 10_000, perMinute: 100_000 } } } });
    const http = new HttpClient({ baseUrl: sim.url, timeoutMs: 5_000 });
    zdx = new ZdxClient({ http, tokens: new MemoryTokenSource((signal) => fetchZdxToken(http, SIMULATOR_CREDENTIALS.zdx, undefined, { signal })) });
    [wifi, cpu] = sim.ensureAlert(9_500_001, { deviceCount: 2, profiles: ['poor-wifi', 'high-cpu'] }).deviceIds as [number, number];
    sim.zdx.setHistoryVisibility(wifi, 'clear');
    sim.zdx.setHistoryVisibility(cpu, 'absent');
  });

  afterAll(async () => {
    await sim.close();
  });

  it("reads a web probe's history in the window: one sample per 5 minutes, with the profile's page fetch time", async () => {
    const to = now();

    const series = await zdx.devices.webProbeHistory(wifi, 1, 1001, { from: to - 3_600, to });

    const pft = series.find((metric) => metric.metric === 'pft');
    expect(pft?.unit).toBe('ms');
    expect(pft?.datapoints).toHaveLength(12);
    expect(pft!.datapoints.every((point) => point.timestamp >= to - 3_600 && point.timestamp <= to && (point.value ?? 0) > 3_000)).toBe(true);
  });

  it('reads Cloud Path history per leg and hop by hop, in the shapes of the deep-trace results', async () => {
    const to = now();

    const [legs, hops] = await Promise.all([
      zdx.devices.cloudPathProbeHistory(wifi, 1, 2001, { from: to - 1_800, to }),
      zdx.devices.cloudPathHistory(wifi, 1, 2001, { from: to - 1_800, to }),
    ]);

    expect(legs.map((leg) => `${leg.legSrc} → ${leg.legDst}`)).toEqual(['Client → Egress', 'Egress → ZEN', 'ZEN → Destination']);
    expect(hops).toHaveLength(6);
    const evidence = summarizeTraceResults({ cloudPath: hops, cloudPathMetrics: legs });
    expect(evidence.worstHop).toMatchObject({ index: 1, ip: '192.168.1.1', legKind: 'local' });
  });

  it('reads device health and events; a device whose problem began inside the reporting delay looks healthy', async () => {
    const to = now();

    const [wifiEvents, cpuHealth, cpuEvents] = await Promise.all([
      zdx.devices.events(wifi, { from: to - 3_600, to }),
      zdx.devices.healthMetrics(cpu, { from: to - 3_600, to }),
      zdx.devices.events(cpu, { from: to - 3_600, to }),
    ]);

    expect(wifiEvents.flatMap((group) => group.events.map((event) => event.category))).toContain('Network');
    const evidence = summarizeTraceResults({ healthMetrics: cpuHealth });
    expect(evidence.health.cpuPercent?.avg).toBeLessThan(40);
    expect(cpuEvents).toEqual([]);
  });

  it('answers 404 for a probe of another application', async () => {
    const error = await failure(zdx.devices.webProbeHistory(wifi, 1, 9999));

    expect(error).toBeInstanceOf(NotFoundError);
  });

  it("starts a score analysis and reads what drove the score down once it completes", async () => {
    const to = now();

    const started = await zdx.analysis.start({ deviceId: String(wifi), appId: '1', t0: to - 3_600, t1: to });
    const done = await eventually(async () => {
      const analysis = await zdx.analysis.get(started.analysisId);
      return analysis.status === 'completed' ? analysis : undefined;
    });

    expect(started.analysisId).toEqual(expect.any(String));
    expect(done.issues[0]).toMatchObject({ category: 'Wi-Fi', impact: 70 });
  });

  it('rejects an analysis request without a window, and names a tenant without the feature', async () => {
    expect(() => zdx.analysis.start({ deviceId: '1', appId: '1', t0: 10, t1: 10 })).toThrow(InvalidInputError);
    sim.update({ zdx: { scoreAnalysis: false } });
    try {
      const error = await failure(zdx.analysis.start({ deviceId: String(wifi), appId: '1', t0: now() - 60, t1: now() }));
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(403);
    } finally {
      sim.update({ zdx: { scoreAnalysis: true } });
    }
  });
});
