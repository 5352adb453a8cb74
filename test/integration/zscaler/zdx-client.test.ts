import { NotFoundError } from '../../../lambdas/core/errors.js';
import { HttpClient } from '../../../lambdas/core/http/http-client.js';
import { ZdxClient, fetchZdxToken } from '../../../lambdas/zscaler/zdx/client.js';
import { ZDX_PATH_PREFIX, fetchOneApiToken, type ZdxAuth } from '../../../lambdas/zscaler/zdx/oneapi.js';
import { SEEDED_ALERT_ID, SIMULATOR_CREDENTIALS, ZIDENTITY_TOKEN_PATH, startSimulator, type RunningSimulator, type TraceResultShape } from '../../../local/simulator/index.js';
import { MemoryTokenSource, collect, eventually, failure } from './helpers.js';

/**
 * Contract of the ZDX client against the simulator over real HTTP, one test per endpoint group, through
 * both transports (the legacy API key on /v1, ZIdentity + OneAPI on /zdx/v1) and both readings of the
 * deep-trace result endpoints (an array, the Go SDK's; one object, the Python SDK's).
 */
describe.each<{ auth: ZdxAuth; resultShape: TraceResultShape }>([
  { auth: 'api-key', resultShape: 'array' },
  { auth: 'api-key', resultShape: 'object' },
  { auth: 'oneapi', resultShape: 'array' },
  { auth: 'oneapi', resultShape: 'object' },
])('ZdxClient (contract, simulator, $auth, results as $resultShape)', ({ auth, resultShape }) => {
  const prefix = ZDX_PATH_PREFIX[auth];
  let sim: RunningSimulator;
  let http: HttpClient;
  let tokens: MemoryTokenSource;
  let zdx: ZdxClient;

  beforeAll(async () => {
    sim = await startSimulator({
      seed: 3,
      config: { timeScale: 0.0002, zdx: { rateLimit: { perSecond: 10_000, perMinute: 100_000, perHour: 10_000_000, perDay: 100_000_000 }, deepTraces: { resultShape } } },
    });
    http = new HttpClient({ baseUrl: sim.url, timeoutMs: 5_000 });
    tokens = new MemoryTokenSource((signal) =>
      auth === 'oneapi'
        ? fetchOneApiToken(http, ZIDENTITY_TOKEN_PATH, SIMULATOR_CREDENTIALS.oneApi, undefined, { signal })
        : fetchZdxToken(http, SIMULATOR_CREDENTIALS.zdx, undefined, { signal }),
    );
    zdx = new ZdxClient({ http, tokens, pathPrefix: prefix });
  });

  afterAll(async () => {
    await sim.close();
  });

  describe('token', () => {
    it('gets a JWT with its expiry, and every call goes to this transport only', async () => {
      const before = Date.now();

      const result = auth === 'oneapi' ? await fetchOneApiToken(http, ZIDENTITY_TOKEN_PATH, SIMULATOR_CREDENTIALS.oneApi) : await fetchZdxToken(http, SIMULATOR_CREDENTIALS.zdx);
      await collect(zdx.apps.list());

      expect(result.token.split('.')).toHaveLength(3);
      expect(result.expiresAt).toBeGreaterThan(before + 3_500_000);
      expect(result.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
      const paths = sim.calls.map((call) => call.path);
      const tokenPath = auth === 'oneapi' ? ZIDENTITY_TOKEN_PATH : '/v1/oauth/token';
      expect(paths.filter((path) => path !== tokenPath).every((path) => path.startsWith(`${prefix}/`))).toBe(true);
      expect(paths).toContain(`${prefix}/apps`);
    });

    it(auth === 'oneapi' ? 'has no ZDX token validation through OneAPI (404)' : 'reports the token valid', async () => {
      if (auth === 'oneapi') {
        expect(await failure(zdx.validateToken())).toBeInstanceOf(NotFoundError);
      } else {
        await expect(zdx.validateToken()).resolves.toEqual({ valid: true });
      }
    });
  });

  describe('alerts', () => {
    it('lists ongoing alerts, including the seeded one with its application', async () => {
      const alerts = await collect(zdx.alerts.ongoing({ limit: 1 }));

      const seeded = alerts.find((alert) => alert.id === String(SEEDED_ALERT_ID));
      expect(alerts.length).toBeGreaterThanOrEqual(2);
      expect(seeded?.application?.id).toEqual(expect.any(String));
      expect(seeded?.severity).toEqual(expect.any(String));
    });

    it('lists historical alerts across pages', async () => {
      const now = Math.floor(Date.now() / 1000);

      const alerts = await collect(zdx.alerts.historical({ from: now - 13 * 86_400, to: now, limit: 1 }));

      expect(alerts.length).toBeGreaterThanOrEqual(1);
      expect(alerts.every((alert) => typeof alert.ruleName === 'string')).toBe(true);
    });

    it('gets one alert and walks its affected devices page by page', async () => {
      const alert = await zdx.alerts.get(SEEDED_ALERT_ID);
      const devices = await collect(zdx.alerts.affectedDevices(SEEDED_ALERT_ID, { limit: 1 }));

      expect(alert.id).toBe(String(SEEDED_ALERT_ID));
      expect(devices.map((device) => device.id).sort()).toEqual(sim.zdx.affectedDeviceIds(SEEDED_ALERT_ID).map(String).sort());
      const pages = sim.calls.filter((call) => call.path === `${prefix}/alerts/${SEEDED_ALERT_ID}/affected_devices`);
      expect(pages.length).toBeGreaterThanOrEqual(devices.length);
      expect(pages.filter((call) => call.query.offset !== undefined)).toHaveLength(pages.length - 1);
    });
  });

  describe('devices', () => {
    it('lists every device across pages', async () => {
      const devices = await collect(zdx.devices.list({ limit: 20 }));

      expect(devices.length).toBeGreaterThan(20);
      expect(new Set(devices.map((device) => device.id)).size).toBe(devices.length);
    });

    it('gets a device, its apps, and the web and Cloud Path probes of an app', async () => {
      const deviceId = sim.zdx.affectedDeviceIds(SEEDED_ALERT_ID)[0]!;
      const alert = await zdx.alerts.get(SEEDED_ALERT_ID);
      const appId = alert.application!.id;

      const device = await zdx.devices.get(deviceId);
      const apps = await zdx.devices.apps(deviceId);
      const webProbes = await zdx.devices.webProbes(deviceId, appId);
      const cloudPathProbes = await zdx.devices.cloudPathProbes(deviceId, appId);

      expect(device.id).toBe(String(deviceId));
      expect(apps.map((app) => app.id)).toContain(appId);
      expect(webProbes[0]?.id).toEqual(expect.any(String));
      expect(cloudPathProbes[0]?.id).toEqual(expect.any(String));
    });
  });

  describe('users and apps', () => {
    it('lists users and apps', async () => {
      const users = await collect(zdx.users.list({ limit: 5 }));
      const apps = await collect(zdx.apps.list());

      expect(users.length).toBeGreaterThan(0);
      expect(users[0]?.id).toEqual(expect.any(String));
      expect(apps.length).toBeGreaterThanOrEqual(8);
    });
  });

  describe('deepTraces', () => {
    it('starts a trace, lists and polls it to completion, reads all six results, then deletes it', async () => {
      const deviceId = sim.zdx.affectedDeviceIds(SEEDED_ALERT_ID)[0]!;
      const appId = (await zdx.alerts.get(SEEDED_ALERT_ID)).application!.id;
      const [webProbe] = await zdx.devices.webProbes(deviceId, appId);
      const [cloudPathProbe] = await zdx.devices.cloudPathProbes(deviceId, appId);

      const started = await zdx.deepTraces.start(deviceId, {
        sessionName: 'contract-test',
        appId,
        webProbeId: webProbe!.id,
        cloudpathProbeId: cloudPathProbe!.id,
        sessionLengthMinutes: 5,
        probeDevice: true,
      });
      const listed = await zdx.deepTraces.list(deviceId);
      const done = await eventually(async () => {
        const trace = await zdx.deepTraces.get(deviceId, started.traceId);
        return trace.status === 'completed' ? trace : undefined;
      });
      const results = {
        webProbeMetrics: await zdx.deepTraces.webProbeMetrics(deviceId, started.traceId),
        cloudPathMetrics: await zdx.deepTraces.cloudPathMetrics(deviceId, started.traceId),
        cloudPath: await zdx.deepTraces.cloudPath(deviceId, started.traceId),
        healthMetrics: await zdx.deepTraces.healthMetrics(deviceId, started.traceId),
        events: await zdx.deepTraces.events(deviceId, started.traceId),
        topProcesses: await zdx.deepTraces.topProcesses(deviceId, started.traceId),
      };
      const deleted = await zdx.deepTraces.delete(deviceId, started.traceId);
      const afterDelete = await failure(zdx.deepTraces.get(deviceId, started.traceId));

      expect(started.traceId).toMatch(/^\d+$/);
      expect(listed.map((trace) => trace.traceId)).toContain(started.traceId);
      expect(done.traceDetails).toMatchObject({ appId, webProbeId: webProbe!.id, cloudpathProbeId: cloudPathProbe!.id, sessionLengthMinutes: 5 });
      const raw = sim.calls.filter((call) => /\/deeptraces\/\d+\/[a-z-]+$/.test(call.path));
      expect(raw).toHaveLength(6);
      expect(results.webProbeMetrics.map((metric) => metric.metric)).toContain('pft');
      expect(results.cloudPathMetrics[0]?.stats.length).toBeGreaterThan(0);
      expect(results.cloudPath[0]?.cloudpath[0]?.hops.length).toBeGreaterThan(0);
      expect(results.healthMetrics.map((category) => category.category)).toEqual(expect.arrayContaining(resultShape === 'array' ? ['cpu', 'memory'] : ['cpu']));
      expect(results.events.every((group) => Array.isArray(group.events))).toBe(true);
      expect(results.topProcesses[0]?.topProcesses.length).toBeGreaterThan(0);
      // One object per endpoint reads as exactly one item; the array reading keeps every sample.
      const counts = Object.values(results).map((items) => items.length);
      if (resultShape === 'object') expect(counts).toEqual([1, 1, 1, 1, 1, 1]);
      else expect(Math.min(...counts.filter((_, index) => index !== 4))).toBeGreaterThan(1);
      expect(deleted.traceId).toBe(started.traceId);
      expect(afterDelete).toBeInstanceOf(NotFoundError);
    });

    it('reads events whose inner key is `instances` (the Go SDK spelling) the same way', async () => {
      sim.update({ zdx: { deepTraces: { eventsInnerKey: 'instances' } } });
      const deviceId = sim.zdx.affectedDeviceIds(SEEDED_ALERT_ID)[1]!;
      const appId = (await zdx.alerts.get(SEEDED_ALERT_ID)).application!.id;
      const [webProbe] = await zdx.devices.webProbes(deviceId, appId);
      const started = await zdx.deepTraces.start(deviceId, { sessionName: 'events', appId, webProbeId: webProbe!.id, probeDevice: true });
      await eventually(async () => ((await zdx.deepTraces.get(deviceId, started.traceId)).status === 'completed' ? true : undefined));

      const events = await zdx.deepTraces.events(deviceId, started.traceId);

      sim.update({ zdx: { deepTraces: { eventsInnerKey: 'events' } } });
      expect(events.length).toBeGreaterThan(0);
      expect(events.some((group) => group.events.length > 0)).toBe(true);
    });
  });
});
