/**
 * ZDX API v1 client (legacy host transport: the client adds `/v1`; see shared/reference/zdx-api.md).
 *
 * Resources are thin classes whose methods state method, path and schema. Every call carries the
 * bearer token from the TokenSource (fresh ones after a 401, in HttpClient) and, when given, draws one
 * unit from the RateLimiter first, so every Lambda shares the tenant's rate budget.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { FetchedToken } from '../../core/auth/token-cache.js';
import { InvalidInputError, asCredentialsRejection, describeIssues } from '../../core/errors.js';
import type { CallOptions, HttpClient, HttpMethod } from '../../core/http/http-client.js';
import type { PathParams, Query } from '../../core/http/path.js';
import { systemClock, type Clock, type RateLimiter, type TokenSource } from '../../core/ports.js';
import { tokenExpiresAt } from '../jwt.js';
import { iterateCursor } from '../pagination.js';
import {
  AffectedDevicesPageSchema,
  AlertSchema,
  AnalysisSchema,
  AnalysisStartedSchema,
  AlertsPageSchema,
  AppsPageSchema,
  CloudPathMetricsSchema,
  CloudPathProbesSchema,
  CloudPathSchema,
  DeepTraceSchema,
  DeepTracesSchema,
  DeletedDeepTraceSchema,
  DeviceAppsSchema,
  DeviceDetailSchema,
  DeviceEventsSchema,
  DevicesPageSchema,
  HealthMetricsSchema,
  StartAnalysisSchema,
  StartDeepTraceSchema,
  TopProcessesSchema,
  UsersPageSchema,
  ValidateTokenResponseSchema,
  WebProbeMetricsSchema,
  WebProbesSchema,
  ZdxTokenResponseSchema,
  type AffectedDevice,
  type Alert,
  type Analysis,
  type AnalysisStarted,
  type App,
  type CloudPathMetric,
  type CloudPathProbe,
  type CloudPathSample,
  type DeepTrace,
  type DeletedDeepTrace,
  type Device,
  type DeviceApp,
  type DeviceDetail,
  type DeviceEventGroup,
  type HealthMetricCategory,
  type StartAnalysisInput,
  type StartDeepTraceInput,
  type TopProcessesSample,
  type User,
  type ValidateTokenResponse,
  type WebProbe,
  type WebProbeMetric,
} from './schemas.js';

/** An id as callers hold it (ZDX ids are integers on the wire; we carry them as strings). */
export type ZdxId = string | number;
type Ids = ReadonlyArray<string | number>;

/** Time range in epoch SECONDS (the API's unit); the server defaults to the last 2 hours. */
export interface TimeRange {
  readonly from?: number;
  readonly to?: number;
}

/** Filters shared by the alert and report lists. */
export interface ZdxFilters extends TimeRange {
  /** Zscaler location ids. */
  readonly loc?: Ids;
  /** Department ids. */
  readonly dept?: Ids;
  /** Geolocation ids. */
  readonly geo?: readonly string[];
  /** Page size (min 1; server default unconfirmed). */
  readonly limit?: number;
}

export interface AffectedDevicesQuery extends ZdxFilters {
  readonly locationGroups?: Ids;
}

export interface DeviceListQuery extends ZdxFilters {
  /** Sent as `userids` (the Go SDK's name; the Python docs say `user_ids`: unconfirmed). */
  readonly userIds?: Ids;
  readonly emails?: readonly string[];
  readonly macAddress?: string;
  readonly privateIpv4?: string;
}

export interface UserListQuery extends ZdxFilters {
  /** Search in name and email. */
  readonly q?: string;
}

export type AppListQuery = ZdxFilters;

export interface ZdxClientOptions {
  /** Base URL = the ZDX host, e.g. `https://api.zdxcloud.net`. */
  readonly http: Pick<HttpClient, 'request'>;
  readonly tokens: TokenSource;
  /** Shared tenant budget; every call (each attempt) acquires one unit when given. */
  readonly rateLimiter?: RateLimiter | undefined;
  /** Path prefix of the transport: `/v1` on the legacy ZDX host, `/zdx/v1` on OneAPI (`ZDX_PATH_PREFIX`). @default '/v1' */
  readonly pathPrefix?: string | undefined;
}

/** What the resource classes use: one authenticated, rate-limited request. */
class ZdxTransport {
  constructor(private readonly options: ZdxClientOptions) {}

  call<S extends z.ZodType>(
    method: HttpMethod,
    path: string,
    schema: S,
    options: CallOptions | undefined,
    extra: { params?: PathParams; query?: Query; body?: unknown; idempotent?: boolean } = {},
  ): Promise<z.output<S>> {
    return this.options.http.request({
      method,
      path: `${this.options.pathPrefix ?? '/v1'}${path}`,
      schema,
      tokens: this.options.tokens,
      rateLimiter: this.options.rateLimiter,
      signal: options?.signal,
      deadline: options?.deadline,
      ...extra,
    });
  }
}

function filters(query: ZdxFilters): Query {
  return { from: query.from, to: query.to, loc: query.loc, dept: query.dept, geo: query.geo, limit: query.limit };
}

/** `/alerts`: ongoing and historical lists, one alert, its affected devices. */
export class ZdxAlerts {
  constructor(private readonly api: ZdxTransport) {}

  /** Alerts without an end date (GET /v1/alerts/ongoing), every page. */
  ongoing(query: ZdxFilters = {}, options?: CallOptions): AsyncGenerator<Alert, void, undefined> {
    return this.list('/alerts/ongoing', query, options);
  }

  /** Alerts that ended in the window (GET /v1/alerts/historical), every page. */
  historical(query: ZdxFilters = {}, options?: CallOptions): AsyncGenerator<Alert, void, undefined> {
    return this.list('/alerts/historical', query, options);
  }

  /** One alert with departments, locations and geolocations (no time range needed). */
  get(alertId: ZdxId, options?: CallOptions): Promise<Alert> {
    return this.api.call('GET', '/alerts/{alertId}', AlertSchema, options, { params: { alertId } });
  }

  /** Devices affected by an alert (GET /v1/alerts/{alertId}/affected_devices), every page. */
  affectedDevices(alertId: ZdxId, query: AffectedDevicesQuery = {}, options?: CallOptions): AsyncGenerator<AffectedDevice, void, undefined> {
    return iterateCursor(async (offset) => {
      const page = await this.api.call('GET', '/alerts/{alertId}/affected_devices', AffectedDevicesPageSchema, options, {
        params: { alertId },
        query: { ...filters(query), location_groups: query.locationGroups, offset },
      });
      return { items: page.devices, nextOffset: page.nextOffset };
    });
  }

  private list(path: string, query: ZdxFilters, options: CallOptions | undefined): AsyncGenerator<Alert, void, undefined> {
    return iterateCursor(async (offset) => {
      const page = await this.api.call('GET', path, AlertsPageSchema, options, { query: { ...filters(query), offset } });
      return { items: page.alerts, nextOffset: page.nextOffset };
    });
  }
}

/** `/devices`: the device list, one device, its apps and the probes that feed a deep trace. */
export class ZdxDevices {
  constructor(private readonly api: ZdxTransport) {}

  /** Every device active in the window (GET /v1/devices). */
  list(query: DeviceListQuery = {}, options?: CallOptions): AsyncGenerator<Device, void, undefined> {
    return iterateCursor(async (offset) => {
      const page = await this.api.call('GET', '/devices', DevicesPageSchema, options, {
        query: {
          ...filters(query),
          userids: query.userIds,
          emails: query.emails,
          mac_address: query.macAddress,
          private_ipv4: query.privateIpv4,
          offset,
        },
      });
      return { items: page.devices, nextOffset: page.nextOffset };
    });
  }

  /** Hardware, network and software of one device. */
  get(deviceId: ZdxId, options?: CallOptions): Promise<DeviceDetail> {
    return this.api.call('GET', '/devices/{deviceId}', DeviceDetailSchema, options, { params: { deviceId } });
  }

  /** Apps seen on the device with their scores. */
  apps(deviceId: ZdxId, query: TimeRange = {}, options?: CallOptions): Promise<DeviceApp[]> {
    return this.api.call('GET', '/devices/{deviceId}/apps', DeviceAppsSchema, options, {
      params: { deviceId },
      query: { from: query.from, to: query.to },
    });
  }

  /** Web probes of an app on a device: their ids are a deep trace's `webProbeId`. */
  webProbes(deviceId: ZdxId, appId: ZdxId, query: TimeRange = {}, options?: CallOptions): Promise<WebProbe[]> {
    return this.api.call('GET', '/devices/{deviceId}/apps/{appId}/web-probes', WebProbesSchema, options, {
      params: { deviceId, appId },
      query: { from: query.from, to: query.to },
    });
  }

  /** Cloud Path probes of an app on a device: their ids are a deep trace's `cloudpathProbeId`. */
  cloudPathProbes(deviceId: ZdxId, appId: ZdxId, query: TimeRange = {}, options?: CallOptions): Promise<CloudPathProbe[]> {
    return this.api.call('GET', '/devices/{deviceId}/apps/{appId}/cloudpath-probes', CloudPathProbesSchema, options, {
      params: { deviceId, appId },
      query: { from: query.from, to: query.to },
    });
  }

  /** History of one web probe of an app on a device: the same metric series a deep trace's `webprobe-metrics` holds. */
  webProbeHistory(deviceId: ZdxId, appId: ZdxId, probeId: ZdxId, query: TimeRange = {}, options?: CallOptions): Promise<WebProbeMetric[]> {
    return this.api.call('GET', '/devices/{deviceId}/apps/{appId}/web-probes/{probeId}', WebProbeMetricsSchema, options, {
      params: { deviceId, appId, probeId },
      query: { from: query.from, to: query.to },
    });
  }

  /** History of one Cloud Path probe, per leg: the shape of a deep trace's `cloudpath-metrics`. */
  cloudPathProbeHistory(deviceId: ZdxId, appId: ZdxId, probeId: ZdxId, query: TimeRange = {}, options?: CallOptions): Promise<CloudPathMetric[]> {
    return this.api.call('GET', '/devices/{deviceId}/apps/{appId}/cloudpath-probes/{probeId}', CloudPathMetricsSchema, options, {
      params: { deviceId, appId, probeId },
      query: { from: query.from, to: query.to },
    });
  }

  /** Hop-by-hop history of one Cloud Path probe: the shape of a deep trace's `cloudpath`. */
  cloudPathHistory(deviceId: ZdxId, appId: ZdxId, probeId: ZdxId, query: TimeRange = {}, options?: CallOptions): Promise<CloudPathSample[]> {
    return this.api.call('GET', '/devices/{deviceId}/apps/{appId}/cloudpath-probes/{probeId}/cloudpath', CloudPathSchema, options, {
      params: { deviceId, appId, probeId },
      query: { from: query.from, to: query.to },
    });
  }

  /** Device health history (CPU, memory, disk, network, Wi-Fi): the shape of a deep trace's `health-metrics`. */
  healthMetrics(deviceId: ZdxId, query: TimeRange = {}, options?: CallOptions): Promise<HealthMetricCategory[]> {
    return this.api.call('GET', '/devices/{deviceId}/health-metrics', HealthMetricsSchema, options, {
      params: { deviceId },
      query: { from: query.from, to: query.to },
    });
  }

  /** Zscaler, hardware, software and network change events of a device in the window. */
  events(deviceId: ZdxId, query: TimeRange = {}, options?: CallOptions): Promise<DeviceEventGroup[]> {
    return this.api.call('GET', '/devices/{deviceId}/events', DeviceEventsSchema, options, {
      params: { deviceId },
      query: { from: query.from, to: query.to },
    });
  }
}

/** `/analysis`: Zscaler's ZDX score analysis of one device and app over a time window. */
export class ZdxAnalysis {
  constructor(private readonly api: ZdxTransport) {}

  /**
   * Starts an analysis (POST /v1/analysis). Not retried in process: a retry could start a second one.
   * @throws InvalidInputError when `input` is incomplete or `t1` is not after `t0`.
   */
  start(input: StartAnalysisInput, options?: CallOptions): Promise<AnalysisStarted> {
    const parsed = StartAnalysisSchema.safeParse(input);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error.issues);
      throw new InvalidInputError(`score analysis request rejected: ${issues.join('; ')}`, issues, { cause: parsed.error });
    }
    const { deviceId, appId, t0, t1 } = parsed.data;
    return this.api.call('POST', '/analysis', AnalysisStartedSchema, options, {
      body: { device_id: wireId(deviceId), app_id: wireId(appId), t0, t1 },
      idempotent: false,
    });
  }

  /** One analysis: its status and, once done, what drove the score down (GET /v1/analysis/{id}). */
  get(analysisId: ZdxId, options?: CallOptions): Promise<Analysis> {
    return this.api.call('GET', '/analysis/{analysisId}', AnalysisSchema, options, { params: { analysisId } });
  }
}

/** `/users`. */
export class ZdxUsers {
  constructor(private readonly api: ZdxTransport) {}

  /** Every user active in the window, with their devices (GET /v1/users). */
  list(query: UserListQuery = {}, options?: CallOptions): AsyncGenerator<User, void, undefined> {
    return iterateCursor(async (offset) => {
      const page = await this.api.call('GET', '/users', UsersPageSchema, options, { query: { ...filters(query), q: query.q, offset } });
      return { items: page.users, nextOffset: page.nextOffset };
    });
  }
}

/** `/apps`. */
export class ZdxApps {
  constructor(private readonly api: ZdxTransport) {}

  /** Every monitored app with its score (GET /v1/apps; a bare array is one final page). */
  list(query: AppListQuery = {}, options?: CallOptions): AsyncGenerator<App, void, undefined> {
    return iterateCursor(async (offset) => {
      const page = await this.api.call('GET', '/apps', AppsPageSchema, options, { query: { ...filters(query), offset } });
      return { items: page.apps, nextOffset: page.nextOffset };
    });
  }
}

const TRACE = '/devices/{deviceId}/deeptraces/{traceId}';

/**
 * `/devices/{deviceId}/deeptraces`: start, poll, read the six result endpoints, delete.
 * A DELETE also deletes the trace's data: collect the results first.
 */
export class ZdxDeepTraces {
  constructor(private readonly api: ZdxTransport) {}

  /** The device's deep traces with their status. */
  list(deviceId: ZdxId, options?: CallOptions): Promise<DeepTrace[]> {
    return this.api.call('GET', '/devices/{deviceId}/deeptraces', DeepTracesSchema, options, { params: { deviceId } });
  }

  /**
   * Starts a deep trace. Not retried in process (a retry could start a second trace); a 409/429
   * (device busy, tenant cap or rate limit) surfaces as its ApiError for the caller to handle.
   * @throws InvalidInputError when `input` is incomplete (no probe, bad session length).
   */
  start(deviceId: ZdxId, input: StartDeepTraceInput, options?: CallOptions): Promise<DeepTrace> {
    const parsed = StartDeepTraceSchema.safeParse(input);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error.issues);
      throw new InvalidInputError(`deep trace request rejected: ${issues.join('; ')}`, issues, { cause: parsed.error });
    }
    const value = parsed.data;
    const body = {
      session_name: value.sessionName,
      app_id: wireId(value.appId),
      web_probe_id: value.webProbeId === undefined ? undefined : wireId(value.webProbeId),
      cloudpath_probe_id: value.cloudpathProbeId === undefined ? undefined : wireId(value.cloudpathProbeId),
      session_length_minutes: value.sessionLengthMinutes,
      probe_device: value.probeDevice,
    };
    return this.api.call('POST', '/devices/{deviceId}/deeptraces', DeepTraceSchema, options, {
      params: { deviceId },
      body,
      idempotent: false,
    });
  }

  /** One trace's status and configuration. */
  get(deviceId: ZdxId, traceId: ZdxId, options?: CallOptions): Promise<DeepTrace> {
    return this.api.call('GET', TRACE, DeepTraceSchema, options, { params: { deviceId, traceId } });
  }

  /** Stops the trace and deletes it with its data. */
  delete(deviceId: ZdxId, traceId: ZdxId, options?: CallOptions): Promise<DeletedDeepTrace> {
    return this.api.call('DELETE', TRACE, DeletedDeepTraceSchema, options, { params: { deviceId, traceId } });
  }

  /** Web-probe metric series (page fetch time, DNS, TCP connect, SSL ...). */
  webProbeMetrics(deviceId: ZdxId, traceId: ZdxId, options?: CallOptions): Promise<WebProbeMetric[]> {
    return this.api.call('GET', `${TRACE}/webprobe-metrics`, WebProbeMetricsSchema, options, { params: { deviceId, traceId } });
  }

  /** Cloud Path metrics per leg (latency, loss). */
  cloudPathMetrics(deviceId: ZdxId, traceId: ZdxId, options?: CallOptions): Promise<CloudPathMetric[]> {
    return this.api.call('GET', `${TRACE}/cloudpath-metrics`, CloudPathMetricsSchema, options, { params: { deviceId, traceId } });
  }

  /** Cloud Path hop data per timestamp. */
  cloudPath(deviceId: ZdxId, traceId: ZdxId, options?: CallOptions): Promise<CloudPathSample[]> {
    return this.api.call('GET', `${TRACE}/cloudpath`, CloudPathSchema, options, { params: { deviceId, traceId } });
  }

  /** Device health (CPU, memory, disk, network, Wi-Fi) during the session. */
  healthMetrics(deviceId: ZdxId, traceId: ZdxId, options?: CallOptions): Promise<HealthMetricCategory[]> {
    return this.api.call('GET', `${TRACE}/health-metrics`, HealthMetricsSchema, options, { params: { deviceId, traceId } });
  }

  /** Zscaler, hardware, software and network change events during the session. */
  events(deviceId: ZdxId, traceId: ZdxId, options?: CallOptions): Promise<DeviceEventGroup[]> {
    return this.api.call('GET', `${TRACE}/events`, DeviceEventsSchema, options, { params: { deviceId, traceId } });
  }

  /** The heaviest processes during the session. */
  topProcesses(deviceId: ZdxId, traceId: ZdxId, options?: CallOptions): Promise<TopProcessesSample[]> {
    return this.api.call('GET', `${TRACE}/top-processes`, TopProcessesSchema, options, { params: { deviceId, traceId } });
  }
}

/** ZDX ids are integers on the wire; a numeric string is sent as a number. */
function wireId(id: string | number): string | number {
  return typeof id === 'string' && /^\d{1,15}$/.test(id) ? Number(id) : id;
}

/** The ZDX API: `alerts`, `devices`, `users`, `apps`, `deepTraces`, `analysis`, and `validateToken()`. */
export class ZdxClient {
  readonly alerts: ZdxAlerts;
  readonly analysis: ZdxAnalysis;
  readonly devices: ZdxDevices;
  readonly users: ZdxUsers;
  readonly apps: ZdxApps;
  readonly deepTraces: ZdxDeepTraces;
  private readonly api: ZdxTransport;

  constructor(options: ZdxClientOptions) {
    this.api = new ZdxTransport(options);
    this.alerts = new ZdxAlerts(this.api);
    this.devices = new ZdxDevices(this.api);
    this.users = new ZdxUsers(this.api);
    this.apps = new ZdxApps(this.api);
    this.deepTraces = new ZdxDeepTraces(this.api);
    this.analysis = new ZdxAnalysis(this.api);
  }

  /** GET /v1/oauth/validate: whether the current token is accepted (`{ valid: true }`). */
  validateToken(options?: CallOptions): Promise<ValidateTokenResponse> {
    return this.api.call('GET', '/oauth/validate', ValidateTokenResponseSchema, options);
  }
}

/** ZDX API key credential (from Secrets Manager). */
export interface ZdxCredentials {
  readonly keyId: string;
  readonly keySecret: string;
}

/** What an operator must fix when the ZDX token endpoint refuses the credentials. */
function zdxSecretLabel(secretId?: string): string {
  return `ZDX API key secret${secretId ? ` (${secretId})` : ''} (key id and key secret)`;
}

/** Lifetime assumed when the response names none (the documented 3600 s). */
const DEFAULT_ZDX_TOKEN_SECONDS = 3_600;

/**
 * POST /v1/oauth/token with the hashed secret: `key_secret = sha256hex("<secret>:<timestamp>")`,
 * `timestamp` in epoch seconds (the server rejects it after 15 minutes). Neither the secret nor its
 * hash can appear in an error. `expiresAt` is the earlier of the JWT's `exp` and `expires_in`.
 * Pass `rateLimiter` so the token call draws from the tenant budget like every other ZDX call.
 * @throws CredentialsRejectedError when the endpoint refuses the key (401/403), naming the secret to fix.
 */
export async function fetchZdxToken(
  http: HttpClient,
  credentials: ZdxCredentials,
  clock: Clock = systemClock,
  options: CallOptions & { rateLimiter?: RateLimiter | undefined; secretId?: string | undefined } = {},
): Promise<FetchedToken> {
  const now = clock.now();
  const timestamp = Math.floor(now / 1000);
  const hashed = createHash('sha256').update(`${credentials.keySecret}:${timestamp}`).digest('hex');
  const response = await http.request({
    method: 'POST',
    path: '/v1/oauth/token',
    schema: ZdxTokenResponseSchema,
    body: { key_id: credentials.keyId, key_secret: hashed, timestamp },
    idempotent: true,
    sensitive: [credentials.keySecret, hashed],
    rateLimiter: options.rateLimiter,
    signal: options.signal,
    deadline: options.deadline,
  }).catch((error: unknown) => {
    throw asCredentialsRejection(error, zdxSecretLabel(options.secretId), 'the ZDX token endpoint');
  });
  return { token: response.token, expiresAt: tokenExpiresAt(response.token, now, response.expires_in ?? DEFAULT_ZDX_TOKEN_SECONDS) };
}
