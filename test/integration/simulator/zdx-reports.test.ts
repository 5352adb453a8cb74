import { SEEDED_ALERT_ID, startSimulator, type RunningSimulator } from '#simulator/index.js';
import { call, zdxToken } from './simulator-http.js';
import { manualClock } from '../../helpers/clock.js';

type Json = any;

describe('Simulator ZDX alerts, devices, users and apps', () => {
  const clock = manualClock();
  let sim: RunningSimulator;
  let token: string;
  const get = (path: string) => call(sim, 'GET', path, { token });

  async function collect(path: string, key: string, limit: number): Promise<{ items: Json[]; pages: number }> {
    const items: Json[] = [];
    let offset: string | null = null;
    let pages = 0;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const page: Json = (await get(`${path}${separator}limit=${limit}${offset ? `&offset=${offset}` : ''}`)).json;
      items.push(...page[key]);
      offset = page.next_offset;
      pages += 1;
    } while (offset !== null);
    return { items, pages };
  }

  beforeAll(async () => {
    sim = await startSimulator({ clock, config: { zdx: { rateLimit: { enabled: false } } } });
    token = await zdxToken(sim, clock.now());
  });
  afterAll(async () => {
    await sim.close();
  });

  describe('GET /v1/alerts/ongoing', () => {
    it('includes the seeded alert with its application and at least three devices', async () => {
      const result = await get('/v1/alerts/ongoing');

      const alert = result.json.alerts.find((a: Json) => a.id === SEEDED_ALERT_ID);
      expect(result.json.next_offset).toBeNull();
      expect(alert).toMatchObject({ rule_name: 'Poor Outlook Online Page Fetch Time', severity: 'High', application: { id: 1, name: 'Outlook Online' } });
      expect(alert.num_devices).toBeGreaterThanOrEqual(3);
    });

    it('pages one alert at a time with next_offset', async () => {
      const { items, pages } = await collect('/v1/alerts/ongoing', 'alerts', 1);

      expect(pages).toBe(items.length);
      expect(new Set(items.map((a) => a.id)).size).toBe(items.length);
    });

    it('answers 400 for a time range over 14 days', async () => {
      const to = Math.floor(clock.now() / 1000);

      const result = await get(`/v1/alerts/historical?from=${to - 15 * 86_400}&to=${to}`);

      expect(result.status).toBe(400);
    });
  });

  describe('GET /v1/alerts/{id}/affected_devices', () => {
    it('pages the devices with the mixed-case user fields', async () => {
      const { deviceIds } = sim.ensureAlert(880001, { deviceCount: 7 });

      const { items, pages } = await collect('/v1/alerts/880001/affected_devices', 'devices', 3);

      expect(pages).toBe(3);
      expect(items.map((d) => d.id)).toEqual(deviceIds);
      expect(Object.keys(items[0]).sort()).toEqual(['id', 'name', 'userEmail', 'userName', 'userid']);
    });

    it('answers 404 for an unknown alert and 400 for a foreign offset', async () => {
      const unknown = await get('/v1/alerts/1/affected_devices');
      const badOffset = await get(`/v1/alerts/${SEEDED_ALERT_ID}/affected_devices?offset=abc`);

      expect(unknown.status).toBe(404);
      expect(badOffset.status).toBe(400);
    });
  });

  describe('GET /v1/devices', () => {
    it('lists more than 40 devices over several pages', async () => {
      const { items, pages } = await collect('/v1/devices', 'devices', 20);

      expect(items.length).toBeGreaterThan(40);
      expect(pages).toBe(Math.ceil(items.length / 20));
    });

    it('returns a device with its apps and the probes of an app', async () => {
      const [deviceId] = sim.zdx.affectedDeviceIds(SEEDED_ALERT_ID) as [number];

      const device = (await get(`/v1/devices/${deviceId}`)).json;
      const apps = (await get(`/v1/devices/${deviceId}/apps`)).json;
      const web = (await get(`/v1/devices/${deviceId}/apps/1/web-probes`)).json;
      const cloudPath = (await get(`/v1/devices/${deviceId}/apps/1/cloudpath-probes`)).json;

      expect(device).toMatchObject({ id: deviceId, hardware: expect.any(Object), network: expect.any(Array), software: expect.any(Object) });
      expect(apps).toEqual(expect.arrayContaining([expect.objectContaining({ id: 1, name: 'Outlook Online' })]));
      expect(web).toEqual([expect.objectContaining({ id: 1001, num_probes: expect.any(Number), avg_pft: expect.any(Number) })]);
      expect(cloudPath[0]).toMatchObject({ id: 2001, avg_latencies: expect.arrayContaining([expect.objectContaining({ leg_src: 'Client' })]) });
    });
  });

  describe('GET /v1/users and /v1/apps', () => {
    it('pages users and lists apps', async () => {
      const users = await collect('/v1/users', 'users', 25);
      const apps = (await get('/v1/apps')).json;

      expect(users.items[0]).toMatchObject({ id: expect.any(Number), email: expect.stringContaining('@'), devices: expect.any(Array) });
      expect(apps.length).toBeGreaterThanOrEqual(8);
      expect(apps[0]).toMatchObject({ id: 1, name: 'Outlook Online', score: expect.any(Number) });
    });
  });
});
