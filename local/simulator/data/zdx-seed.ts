/**
 * The simulated ZDX tenant: apps with their web and Cloud Path probes, users, devices (each with a
 * diagnosis "profile"), and alerts. Everything derives from the seed; the alert in the shared
 * webhook fixture (7263519) is always present with three affected devices.
 */
import { Rng } from '../random.js';

/** What is wrong with a device; drives the deep-trace results so diagnoses differ. */
export const DEVICE_PROFILES = ['healthy', 'poor-wifi', 'high-cpu', 'zscaler-latency', 'app-server-slow'] as const;
/** One device profile. */
export type DeviceProfile = (typeof DEVICE_PROFILES)[number];

/** A monitored application with its probes. */
export interface ZdxApp {
  readonly id: number;
  readonly name: string;
  /** Host the probes fetch; used to shape hop data. */
  readonly host: string;
  readonly webProbeId: number;
  readonly webProbeName: string;
  readonly cloudPathProbeId: number;
  readonly cloudPathProbeName: string;
}

/** A ZDX user. */
export interface ZdxUser {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly deviceIds: number[];
}

/** A device with its profile and monitored apps. */
export interface ZdxDevice {
  readonly id: number;
  readonly name: string;
  readonly userId: number;
  profile: DeviceProfile;
  readonly os: 'Windows' | 'macOS';
  readonly appIds: number[];
  readonly city: string;
  readonly country: string;
}

/** An alert and its affected devices. */
export interface ZdxAlert {
  readonly id: number;
  readonly ruleName: string;
  readonly severity: 'High' | 'Medium' | 'Low';
  readonly alertType: string;
  status: 'Ongoing' | 'Completed';
  readonly startedOn: number;
  endedOn: number;
  readonly applicationId: number;
  readonly deviceIds: number[];
}

/** The whole seeded ZDX tenant. */
export interface ZdxData {
  readonly apps: Map<number, ZdxApp>;
  readonly users: Map<number, ZdxUser>;
  readonly devices: Map<number, ZdxDevice>;
  readonly alerts: Map<number, ZdxAlert>;
  /** Devices not affected by any alert, handed out by `ensureAlert` first. */
  readonly pool: number[];
  nextDeviceId: number;
  nextUserId: number;
}

/** The alert of the shared webhook fixture (`test/fixtures/events/zdx-webhook-alert-started.json`). */
export const SEEDED_ALERT_ID = 7263519;
/** A second ongoing alert whose devices include app-server-slow ones. */
export const SECOND_ALERT_ID = 7263520;

const APP_NAMES: ReadonlyArray<readonly [string, string]> = [
  ['Outlook Online', 'outlook.office365.com'],
  ['SharePoint Online', 'contoso.sharepoint.com'],
  ['Microsoft Teams', 'teams.microsoft.com'],
  ['Salesforce', 'contoso.my.salesforce.com'],
  ['ServiceNow', 'contoso.service-now.com'],
  ['Zoom', 'zoom.us'],
  ['Box', 'app.box.com'],
  ['Google Search', 'www.google.com'],
];

const FIRST_NAMES = ['Ava', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kemi', 'Liam', 'Maya', 'Noah', 'Olga', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tariq'];
const LAST_NAMES = ['Adams', 'Brown', 'Chen', 'Diaz', 'Evans', 'Fischer', 'Garcia', 'Haddad', 'Ito', 'Jensen', 'Khan', 'Lopez', 'Martin', 'Nowak', 'Okafor', 'Patel'];
const CITIES: ReadonlyArray<readonly [string, string]> = [
  ['San Jose', 'United States'],
  ['Austin', 'United States'],
  ['London', 'United Kingdom'],
  ['Frankfurt', 'Germany'],
  ['Bengaluru', 'India'],
];

/** Id of the first seeded device (ids count up from here). */
export const FIRST_DEVICE_ID = 130_400_001;
const FIRST_USER_ID = 88_100_001;
const POOL_SIZE = 48;

function buildApps(): Map<number, ZdxApp> {
  const apps = new Map<number, ZdxApp>();
  APP_NAMES.forEach(([name, host], index) => {
    const id = index + 1;
    apps.set(id, {
      id,
      name,
      host,
      webProbeId: 1000 + id,
      webProbeName: `${name} Web Probe`,
      cloudPathProbeId: 2000 + id,
      cloudPathProbeName: `${name} Cloud Path Probe`,
    });
  });
  return apps;
}

/** Adds one device (and its user) to `data`; the app set always includes `requiredAppId`. */
export function addDevice(data: ZdxData, rng: Rng, profile: DeviceProfile, requiredAppId?: number): ZdxDevice {
  const userId = data.nextUserId++;
  const deviceId = data.nextDeviceId++;
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const os = rng.chance(0.7) ? 'Windows' : 'macOS';
  const appIds = new Set<number>([1]);
  if (requiredAppId !== undefined) appIds.add(requiredAppId);
  while (appIds.size < 4) appIds.add(rng.int(1, data.apps.size));
  const [city, country] = rng.pick(CITIES);
  const device: ZdxDevice = {
    id: deviceId,
    name: os === 'Windows' ? `LAPTOP-${rng.hex(7).toUpperCase()}` : `${first}s-MacBook-Pro`,
    userId,
    profile,
    os,
    appIds: [...appIds].sort((a, b) => a - b),
    city,
    country,
  };
  data.users.set(userId, {
    id: userId,
    name: `${first} ${last}`,
    email: `${first}.${last}${userId % 1000}@example.com`.toLowerCase(),
    deviceIds: [deviceId],
  });
  data.devices.set(deviceId, device);
  return device;
}

/** A varied profile for the n-th device of an alert: mostly degraded, one healthy in five. */
export function profileFor(index: number): DeviceProfile {
  const cycle: DeviceProfile[] = ['poor-wifi', 'high-cpu', 'zscaler-latency', 'app-server-slow', 'healthy'];
  return cycle[index % cycle.length] as DeviceProfile;
}

/** Builds the seeded tenant. `nowMs` anchors alert start times. */
export function createZdxData(seed: number, nowMs: number): ZdxData {
  const rng = new Rng('zdx-data', seed);
  const data: ZdxData = {
    apps: buildApps(),
    users: new Map(),
    devices: new Map(),
    alerts: new Map(),
    pool: [],
    nextDeviceId: FIRST_DEVICE_ID,
    nextUserId: FIRST_USER_ID,
  };
  const nowSec = Math.floor(nowMs / 1000);

  const outlookDevices = (['poor-wifi', 'high-cpu', 'zscaler-latency'] as const).map((p) => addDevice(data, rng, p, 1).id);
  data.alerts.set(SEEDED_ALERT_ID, {
    id: SEEDED_ALERT_ID,
    ruleName: 'Poor Outlook Online Page Fetch Time',
    severity: 'High',
    alertType: 'Application',
    status: 'Ongoing',
    startedOn: nowSec - 25 * 60,
    endedOn: 0,
    applicationId: 1,
    deviceIds: outlookDevices,
  });

  const salesforceDevices = (['app-server-slow', 'app-server-slow', 'healthy', 'poor-wifi'] as const).map((p) => addDevice(data, rng, p, 4).id);
  data.alerts.set(SECOND_ALERT_ID, {
    id: SECOND_ALERT_ID,
    ruleName: 'Salesforce Page Fetch Time above 4 s',
    severity: 'Medium',
    alertType: 'Application',
    status: 'Ongoing',
    startedOn: nowSec - 50 * 60,
    endedOn: 0,
    applicationId: 4,
    deviceIds: salesforceDevices,
  });

  const teamsDevices = (['healthy', 'poor-wifi'] as const).map((p) => addDevice(data, rng, p, 3).id);
  data.alerts.set(7263401, {
    id: 7263401,
    ruleName: 'Microsoft Teams Web Probe Availability',
    severity: 'Low',
    alertType: 'Application',
    status: 'Completed',
    startedOn: nowSec - 5 * 3600,
    endedOn: nowSec - 4 * 3600,
    applicationId: 3,
    deviceIds: teamsDevices,
  });

  for (let i = 0; i < POOL_SIZE; i += 1) {
    data.pool.push(addDevice(data, rng, rng.chance(0.5) ? 'healthy' : rng.pick(DEVICE_PROFILES)).id);
  }
  return data;
}
