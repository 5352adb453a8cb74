/**
 * ZDX read endpoints (zdx-api.md §3 and §4): alerts (ongoing, historical, one, affected devices),
 * devices with their apps and probes, users and apps. Lists paginate with `next_offset`.
 */
import type { SimulatorContext } from '../context.js';
import type { ZdxAlert, ZdxDevice } from '../data/zdx-seed.js';
import { intParam, intQuery, zdxError, type SimRequest, type SimResponse } from '../http.js';
import { hash32 } from '../random.js';
import type { Router } from '../router.js';
import { zdxAuthed } from './auth.js';
import { paginate } from './pagination.js';
import { PROFILE_METRICS } from './profiles.js';
import type { ZdxState } from './state.js';

const FOURTEEN_DAYS = 14 * 24 * 3600;
const DEPARTMENTS = [
  { id: 31, name: 'Engineering' },
  { id: 32, name: 'Sales' },
  { id: 33, name: 'Finance' },
];
const ZS_LOCATIONS = [
  { id: 71, name: 'HQ San Jose', groups: [{ id: 81, name: 'Americas' }] },
  { id: 72, name: 'Road Warrior', groups: [{ id: 82, name: 'Remote' }] },
];

/** Validates `from`/`to` (epoch seconds) and returns them; at most a 14-day span. */
function timeRange(request: SimRequest): { from?: number; to?: number } {
  const from = intQuery(request, 'from');
  const to = intQuery(request, 'to');
  if (from !== undefined && to !== undefined) {
    if (to < from) throw zdxError(400, 'BAD_REQUEST', `Query parameter "to" (${to}) is before "from" (${from})`);
    if (to - from > FOURTEEN_DAYS) throw zdxError(400, 'BAD_REQUEST', 'The time range cannot exceed 14 days');
  }
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/** Registers the alert, device, user and app endpoints. */
export function registerZdxReportRoutes(router: Router, ctx: SimulatorContext, state: ZdxState): void {
  const { data } = state;
  const get = (pattern: string, handler: (request: SimRequest) => SimResponse) => router.add('zdx', 'GET', pattern, zdxAuthed(ctx, handler));
  const ok = (body: unknown): SimResponse => ({ status: 200, body });

  const deviceOf = (request: SimRequest): ZdxDevice => {
    const id = intParam(request, 'deviceId');
    const device = data.devices.get(id);
    if (!device) throw zdxError(404, 'NOT_FOUND', `Unknown device ${id}`);
    return device;
  };
  const alertOf = (request: SimRequest): ZdxAlert => {
    const id = intParam(request, 'alertId');
    const alert = data.alerts.get(id);
    if (!alert) throw zdxError(404, 'NOT_FOUND', `Unknown alert ${id}`);
    return alert;
  };
  const deptOf = (userId: number) => DEPARTMENTS[userId % DEPARTMENTS.length] as (typeof DEPARTMENTS)[number];
  const zsLocOf = (deviceId: number) => ZS_LOCATIONS[deviceId % ZS_LOCATIONS.length] as (typeof ZS_LOCATIONS)[number];
  const geoIdOf = (device: ZdxDevice) => `${hash32(device.city, device.country) % 1_000_000}`;

  const countBy = <K>(devices: ZdxDevice[], key: (d: ZdxDevice) => K) => {
    const counts = new Map<K, number>();
    for (const d of devices) counts.set(key(d), (counts.get(key(d)) ?? 0) + 1);
    return counts;
  };

  const alertJson = (alert: ZdxAlert) => {
    const devices = alert.deviceIds.map((id) => data.devices.get(id)).filter((d): d is ZdxDevice => d !== undefined);
    const depts = countBy(devices, (d) => deptOf(d.userId));
    const locs = countBy(devices, (d) => zsLocOf(d.id));
    const geos = countBy(devices, (d) => `${d.city}|${d.country}|${geoIdOf(d)}`);
    const app = data.apps.get(alert.applicationId);
    return {
      id: alert.id,
      rule_name: alert.ruleName,
      severity: alert.severity,
      alert_type: alert.alertType,
      alert_status: alert.status,
      num_geolocations: geos.size,
      num_devices: devices.length,
      started_on: alert.startedOn,
      ended_on: alert.endedOn,
      application: { id: alert.applicationId, name: app?.name ?? '' },
      departments: [...depts].map(([d, n]) => ({ id: d.id, name: d.name, num_devices: n })),
      locations: [...locs].map(([l, n]) => ({ id: l.id, name: l.name, num_devices: n, groups: l.groups })),
      geolocations: [...geos].map(([key, n]) => {
        const [city, country, id] = key.split('|');
        return { id, name: `${city}, ${country}`, num_devices: n };
      }),
    };
  };

  const deviceSummary = (device: ZdxDevice) => {
    const user = data.users.get(device.userId);
    return { id: device.id, name: device.name, userid: device.userId, userName: user?.name ?? '', userEmail: user?.email ?? '' };
  };

  const alertList = (request: SimRequest, status: ZdxAlert['status']) => {
    const range = timeRange(request);
    const alerts = [...data.alerts.values()]
      .filter((a) => a.status === status)
      .filter((a) => {
        // Ongoing alerts are filtered by start, historical ones by end (help pages).
        const t = status === 'Ongoing' ? a.startedOn : a.endedOn;
        return (range.to === undefined || t <= range.to) && (status === 'Ongoing' || range.from === undefined || t >= range.from);
      })
      .sort((a, b) => b.startedOn - a.startedOn);
    const page = paginate(request, alerts, ctx.config);
    return ok({ alerts: page.items.map(alertJson), next_offset: page.nextOffset });
  };

  get('/v1/alerts/ongoing', (request) => alertList(request, 'Ongoing'));
  get('/v1/alerts/historical', (request) => alertList(request, 'Completed'));
  get('/v1/alerts/:alertId', (request) => ok(alertJson(alertOf(request))));
  get('/v1/alerts/:alertId/affected_devices', (request) => {
    const alert = alertOf(request);
    const locations = request.query.getAll('loc').flatMap((v) => v.split(',')).filter(Boolean).map(Number);
    const devices = alert.deviceIds
      .map((id) => data.devices.get(id))
      .filter((d): d is ZdxDevice => d !== undefined && (locations.length === 0 || locations.includes(zsLocOf(d.id).id)));
    const page = paginate(request, devices, ctx.config);
    return ok({ devices: page.items.map(deviceSummary), next_offset: page.nextOffset });
  });

  get('/v1/devices', (request) => {
    timeRange(request);
    const userIds = [...request.query.getAll('userids'), ...request.query.getAll('user_ids')].flatMap((v) => v.split(',')).filter(Boolean).map(Number);
    const emails = request.query.getAll('emails').flatMap((v) => v.split(',')).filter(Boolean).map((e) => e.toLowerCase());
    const devices = [...data.devices.values()].filter((d) => {
      if (userIds.length > 0 && !userIds.includes(d.userId)) return false;
      const email = data.users.get(d.userId)?.email ?? '';
      return emails.length === 0 || emails.includes(email);
    });
    const page = paginate(request, devices, ctx.config);
    return ok({ devices: page.items.map(deviceSummary), next_offset: page.nextOffset });
  });

  get('/v1/devices/:deviceId', (request) => {
    const device = deviceOf(request);
    const seed = hash32('device', ctx.seed, device.id);
    const windows = device.os === 'Windows';
    return ok({
      id: device.id,
      name: device.name,
      hardware: {
        hw_model: windows ? 'Latitude 7440' : 'MacBookPro18,3',
        hw_mfg: windows ? 'Dell Inc.' : 'Apple Inc.',
        hw_type: 'Laptop',
        hw_serial: `SN${(seed % 1e8).toString(36).toUpperCase()}`,
        tot_mem: windows ? 16384 : 32768,
        gpu: windows ? 'Intel Iris Xe Graphics' : 'Apple M1 Pro',
        disk_size: 512,
        disk_model: windows ? 'PM9A1 NVMe Samsung 512GB' : 'APPLE SSD AP0512R',
        disk_type: 'SSD',
        cpu_mfg: windows ? 'Intel' : 'Apple',
        cpu_model: windows ? 'Intel(R) Core(TM) i7-1365U' : 'Apple M1 Pro',
        speed_ghz: windows ? 1.8 : 3.2,
        logical_proc: windows ? 12 : 10,
        num_cores: windows ? 10 : 10,
      },
      network: [
        {
          net_type: 'Wi-Fi',
          status: 'Connected',
          ipv4: `192.168.1.${(seed % 200) + 20}`,
          ipv6: '',
          dns_srvs: '192.168.1.1',
          dns_suffix: 'corp.example.com',
          gateway: '192.168.1.1',
          mac: `3c:22:fb:${((seed >> 8) % 256).toString(16).padStart(2, '0')}:${(seed % 256).toString(16).padStart(2, '0')}:1a`,
          guid: `{${hash32('guid', device.id).toString(16).padStart(8, '0').toUpperCase()}-1C2B-4D3E-9F4A-5B6C7D8E9F00}`,
          wifi_adapter: windows ? 'Intel(R) Wi-Fi 6E AX211 160MHz' : 'AirPort',
          wifi_type: '802.11ax',
          ssid: 'Corp-5G',
          channel: '36',
          bssid: 'a4:2b:b0:11:22:31',
        },
      ],
      software: {
        os_name: windows ? 'Microsoft Windows 11 Enterprise' : 'macOS',
        os_ver: windows ? '10.0.22631' : '14.5',
        os_build: windows ? '22631' : '23F79',
        hostname: device.name,
        netbios: windows ? device.name.slice(0, 15) : '',
        user: data.users.get(device.userId)?.email ?? '',
        client_conn_ver: '4.4.0.389',
        zdx_ver: '4.4.0.104',
      },
    });
  });

  const appScore = (device: ZdxDevice) => PROFILE_METRICS[device.profile].score;
  const deviceApp = (request: SimRequest) => {
    const device = deviceOf(request);
    const appId = intParam(request, 'appId');
    const app = data.apps.get(appId);
    if (!app || !device.appIds.includes(appId)) throw zdxError(404, 'NOT_FOUND', `Application ${appId} is not monitored on device ${device.id}`);
    return { device, app };
  };

  get('/v1/devices/:deviceId/apps', (request) => {
    const device = deviceOf(request);
    return ok(device.appIds.map((id) => ({ id, name: data.apps.get(id)?.name ?? '', score: appScore(device) })));
  });

  get('/v1/devices/:deviceId/apps/:appId/web-probes', (request) => {
    const { device, app } = deviceApp(request);
    const m = PROFILE_METRICS[device.profile];
    return ok([{ id: app.webProbeId, name: app.webProbeName, num_probes: 12, avg_score: m.score, avg_pft: m.pft }]);
  });

  get('/v1/devices/:deviceId/apps/:appId/cloudpath-probes', (request) => {
    const { device, app } = deviceApp(request);
    const m = PROFILE_METRICS[device.profile];
    return ok([
      {
        id: app.cloudPathProbeId,
        name: app.cloudPathProbeName,
        num_probes: 12,
        avg_latencies: [
          { leg_src: 'Client', leg_dst: 'Egress', latency: m.clientEgress.latency },
          { leg_src: 'Egress', leg_dst: 'ZEN', latency: m.egressZen.latency },
          { leg_src: 'ZEN', leg_dst: 'Destination', latency: m.zenDest.latency },
        ],
      },
    ]);
  });

  const userJson = (userId: number) => {
    const user = data.users.get(userId);
    if (!user) return undefined;
    return {
      id: user.id,
      name: user.name,
      email: user.email,
      devices: user.deviceIds
        .map((id) => data.devices.get(id))
        .filter((d): d is ZdxDevice => d !== undefined)
        .map((d) => ({
          id: d.id,
          name: d.name,
          geo_loc: [{ id: geoIdOf(d), city: d.city, state: '', country: d.country, geo_lat: 0, geo_long: 0, geo_detection: 'ip' }],
          zs_loc: [{ id: zsLocOf(d.id).id, name: zsLocOf(d.id).name }],
        })),
    };
  };

  get('/v1/users', (request) => {
    timeRange(request);
    const q = request.query.get('q')?.toLowerCase();
    const users = [...data.users.values()].filter((u) => !q || u.name.toLowerCase().includes(q) || u.email.includes(q));
    const page = paginate(request, users, ctx.config);
    return ok({ users: page.items.map((u) => userJson(u.id)), next_offset: page.nextOffset });
  });

  get('/v1/users/:userId', (request) => {
    const id = intParam(request, 'userId');
    const user = userJson(id);
    if (!user) throw zdxError(404, 'NOT_FOUND', `Unknown user ${id}`);
    return ok(user);
  });

  const appJson = (appId: number, withStats: boolean) => {
    const app = data.apps.get(appId);
    if (!app) return undefined;
    const devices = [...data.devices.values()].filter((d) => d.appIds.includes(appId));
    const scores = devices.map(appScore);
    const score = scores.length > 0 ? Math.round(scores.reduce((a, b) => a + b, 0) / scores.length) : -1;
    const worst = devices.sort((a, b) => appScore(a) - appScore(b))[0];
    return {
      id: app.id,
      name: app.name,
      score,
      most_impacted_region: worst
        ? { id: geoIdOf(worst), city: worst.city, region: '', country: worst.country, geo_type: 'city' }
        : null,
      total_users: new Set(devices.map((d) => d.userId)).size,
      ...(withStats
        ? {
            stats: {
              active_users: new Set(devices.map((d) => d.userId)).size,
              active_devices: devices.length,
              num_poor: scores.filter((s) => s <= 33).length,
              num_okay: scores.filter((s) => s > 33 && s <= 66).length,
              num_good: scores.filter((s) => s > 66).length,
            },
          }
        : {}),
    };
  };

  get('/v1/apps', (request) => {
    timeRange(request);
    return ok([...data.apps.keys()].map((id) => appJson(id, false)));
  });

  get('/v1/apps/:appId', (request) => {
    const id = intParam(request, 'appId');
    const app = appJson(id, true);
    if (!app) throw zdxError(404, 'NOT_FOUND', `Unknown application ${id}`);
    return ok(app);
  });
}
