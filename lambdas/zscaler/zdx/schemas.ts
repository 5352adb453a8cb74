/**
 * ZDX API v1 response and request schemas (see shared/reference/zdx-api.md).
 *
 * Each schema validates the WIRE shape (snake_case, so a ResponseShapeError names the field as the
 * server spells it) and then hands callers camelCase ({@link camelizeKeys}). Normalizations:
 * - every id (alert, device, app, probe, user, trace) is a string, whatever JSON type it came as;
 * - `next_offset` is a string or null;
 * - status fields are open strings (the API's value sets are unconfirmed);
 * - `cloudpath_probe_id` / `cloud_path_probe_id` become `cloudpathProbeId`;
 *   `session_length` / `session_length_minutes` become `sessionLengthMinutes`;
 * - deep-trace `events` entries carry their items under `events` (GO reads `instances`);
 * - deep-trace result endpoints become arrays whether the server sends an array or one object.
 * Strict where the docs are clear: ids present, names and severities strings, numbers numbers.
 */
import * as z from 'zod';

import { camelizeKeys } from '../keys.js';

// Module-level schemas are `z.lazy`: importing this module builds none of them, and a handler builds
// only those it parses, on first use (each zod construction costs cold-start time; README, Performance).

/** An id the API may send as a number or a string; always a string for us. */
export const ZdxIdSchema = z.lazy(() => z.union([z.string().min(1), z.number().int().nonnegative()]).transform((value) => String(value)));

/** Pagination cursor: string, number or null/absent; a string or null for us. */
const NextOffset = z.lazy(() =>
  z
    .union([z.string(), z.number()])
    .nullish()
    .transform((value) => (value === null || value === undefined || value === '' ? null : String(value))),
);

/** Optional list; absent or null becomes []. */
function list<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .nullish()
    .transform((value) => value ?? []);
}

/** Validates the wire shape, then returns it with camelCase keys. */
function camel<T extends z.ZodType>(schema: T) {
  return schema.transform((value) => camelizeKeys(value));
}

const OptionalText = z.lazy(() => z.string().nullish());
const OptionalNumber = z.lazy(() => z.number().nullish());
/** A field whose JSON type the sources disagree on; kept as sent. */
const Scalar = z.lazy(() => z.union([z.string(), z.number(), z.boolean()]).nullish());

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Accepts a bare array, an object that holds the array under one of `keys`, or a single object
 * (wrapped as a one-element list). Docs disagree on which the result endpoints return. `keys` must
 * never be a field of the item itself, or a single item would be read as a container.
 */
function listOf<T extends z.ZodType>(item: T, keys: readonly string[]) {
  return z.preprocess((raw) => {
    if (raw === null || raw === undefined) return [];
    if (!isRecord(raw)) return raw;
    // An object with no fields carries no item (an object-shaped result endpoint before data exists).
    if (Object.keys(raw).length === 0) return [];
    for (const key of keys) if (Array.isArray(raw[key])) return raw[key];
    return [raw];
  }, z.array(item));
}

/** A page object `{ <key>: [...], next_offset }`; a bare array is a single, final page. */
function pageOf<K extends string, T extends z.ZodType>(key: K, item: T) {
  const shape = { [key]: z.array(item), next_offset: NextOffset } as { [P in K]: z.ZodArray<T> } & { next_offset: typeof NextOffset };
  return z.preprocess((raw) => (Array.isArray(raw) ? { [key]: raw, next_offset: null } : raw), z.object(shape));
}

// ---------------------------------------------------------------------------------------------
// Authentication

export const ZdxTokenResponseSchema = z.lazy(() => z.object({
  token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive().optional(),
}));
export type ZdxTokenResponse = z.infer<typeof ZdxTokenResponseSchema>;

export const ValidateTokenResponseSchema = z.lazy(() => z.object({ valid: z.boolean() }));
export type ValidateTokenResponse = z.infer<typeof ValidateTokenResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Alerts

const AlertWire = z.lazy(() => z.object({
  id: ZdxIdSchema,
  rule_name: z.string(),
  severity: z.string(),
  alert_type: OptionalText,
  alert_status: OptionalText,
  num_geolocations: OptionalNumber,
  num_devices: OptionalNumber,
  started_on: OptionalNumber,
  ended_on: OptionalNumber,
  application: z.object({ id: ZdxIdSchema, name: z.string() }).nullish(),
  departments: list(z.object({ id: ZdxIdSchema, name: z.string(), num_devices: OptionalNumber })),
  locations: list(
    z.object({
      id: ZdxIdSchema,
      name: z.string(),
      num_devices: OptionalNumber,
      groups: list(z.object({ id: ZdxIdSchema, name: z.string() })),
    }),
  ),
  // GO models { id, name }, PY { city, state, country }: accept both.
  geolocations: list(
    z.object({
      id: ZdxIdSchema,
      name: OptionalText,
      city: OptionalText,
      state: OptionalText,
      country: OptionalText,
      num_devices: OptionalNumber,
    }),
  ),
}));

/** `GET /v1/alerts/{id}`; also the items of the ongoing/historical lists. */
export const AlertSchema = z.lazy(() => camel(AlertWire));
export type Alert = z.infer<typeof AlertSchema>;

export const AlertsPageSchema = z.lazy(() => camel(pageOf('alerts', AlertWire)));
export type AlertsPage = z.infer<typeof AlertsPageSchema>;

const AffectedDeviceWire = z.lazy(() => z.object({
  id: ZdxIdSchema,
  name: OptionalText,
  userid: ZdxIdSchema.nullish(),
  userName: OptionalText,
  userEmail: OptionalText,
}));
export const AffectedDeviceSchema = z.lazy(() => camel(AffectedDeviceWire));
/** An item of `GET /v1/alerts/{id}/affected_devices` (note the API's own `userid`/`userName` casing). */
export type AffectedDevice = z.infer<typeof AffectedDeviceSchema>;

export const AffectedDevicesPageSchema = z.lazy(() => camel(pageOf('devices', AffectedDeviceWire)));
export type AffectedDevicesPage = z.infer<typeof AffectedDevicesPageSchema>;

// ---------------------------------------------------------------------------------------------
// Devices

const DeviceWire = z.lazy(() => z.object({
  id: ZdxIdSchema,
  name: OptionalText,
  userid: ZdxIdSchema.nullish(),
}));
export const DeviceSchema = z.lazy(() => camel(DeviceWire));
/** An item of `GET /v1/devices`. */
export type Device = z.infer<typeof DeviceSchema>;

export const DevicesPageSchema = z.lazy(() => camel(pageOf('devices', DeviceWire)));
export type DevicesPage = z.infer<typeof DevicesPageSchema>;

const DeviceDetailWire = z.lazy(() => z.object({
  id: ZdxIdSchema,
  name: OptionalText,
  hardware: z
    .object({
      hw_model: Scalar,
      hw_mfg: Scalar,
      hw_type: Scalar,
      hw_serial: Scalar,
      tot_mem: Scalar,
      gpu: Scalar,
      disk_size: Scalar,
      disk_model: Scalar,
      disk_type: Scalar,
      cpu_mfg: Scalar,
      cpu_model: Scalar,
      speed_ghz: Scalar,
      logical_proc: Scalar,
      num_cores: Scalar,
    })
    .nullish(),
  network: list(
    z.object({
      net_type: Scalar,
      status: Scalar,
      ipv4: Scalar,
      ipv6: Scalar,
      dns_srvs: Scalar,
      dns_suffix: Scalar,
      gateway: Scalar,
      mac: Scalar,
      guid: Scalar,
      wifi_adapter: Scalar,
      wifi_type: Scalar,
      ssid: Scalar,
      channel: Scalar,
      bssid: Scalar,
    }),
  ),
  software: z
    .object({
      os_name: Scalar,
      os_ver: Scalar,
      os_build: Scalar,
      hostname: Scalar,
      netbios: Scalar,
      user: Scalar,
      client_conn_ver: Scalar,
      zdx_ver: Scalar,
    })
    .nullish(),
}));
/** `GET /v1/devices/{deviceId}`. */
export const DeviceDetailSchema = z.lazy(() => camel(DeviceDetailWire));
export type DeviceDetail = z.infer<typeof DeviceDetailSchema>;

const DeviceAppWire = z.lazy(() => z.object({ id: ZdxIdSchema, name: z.string(), score: OptionalNumber }));
/** `GET /v1/devices/{deviceId}/apps`. */
export const DeviceAppsSchema = z.lazy(() => camel(listOf(DeviceAppWire, ['apps'])));
export type DeviceApp = z.infer<typeof DeviceAppsSchema>[number];

const WebProbeWire = z.lazy(() => z.object({
  id: ZdxIdSchema,
  name: z.string(),
  num_probes: OptionalNumber,
  avg_score: OptionalNumber,
  avg_pft: OptionalNumber,
}));
/** `GET /v1/devices/{deviceId}/apps/{appId}/web-probes`: gives `webProbeId` for a deep trace. */
export const WebProbesSchema = z.lazy(() => camel(listOf(WebProbeWire, ['probes', 'web_probes'])));
export type WebProbe = z.infer<typeof WebProbesSchema>[number];

const CloudPathProbeWire = z.lazy(() => z.object({
  id: ZdxIdSchema,
  name: z.string(),
  num_probes: OptionalNumber,
  avg_latencies: list(z.object({ leg_src: OptionalText, leg_dst: OptionalText, latency: OptionalNumber })),
}));
/** `GET /v1/devices/{deviceId}/apps/{appId}/cloudpath-probes`: gives `cloudpathProbeId`. */
export const CloudPathProbesSchema = z.lazy(() => camel(listOf(CloudPathProbeWire, ['probes', 'cloudpath_probes'])));
export type CloudPathProbe = z.infer<typeof CloudPathProbesSchema>[number];

// ---------------------------------------------------------------------------------------------
// Users and apps

const UserWire = z.lazy(() => z.object({
  id: ZdxIdSchema,
  name: OptionalText,
  email: OptionalText,
  devices: list(
    z.object({
      id: ZdxIdSchema,
      name: OptionalText,
      geo_loc: list(
        z.object({
          id: ZdxIdSchema,
          city: OptionalText,
          state: OptionalText,
          country: OptionalText,
          geo_lat: OptionalNumber,
          geo_long: OptionalNumber,
          geo_detection: OptionalText,
        }),
      ),
      zs_loc: list(z.object({ id: ZdxIdSchema, name: OptionalText })),
    }),
  ),
}));
export const UserSchema = z.lazy(() => camel(UserWire));
/** An item of `GET /v1/users`. */
export type User = z.infer<typeof UserSchema>;

export const UsersPageSchema = z.lazy(() => camel(pageOf('users', UserWire)));
export type UsersPage = z.infer<typeof UsersPageSchema>;

const AppWire = z.lazy(() => z.object({
  id: ZdxIdSchema,
  name: z.string(),
  score: OptionalNumber,
  most_impacted_region: z
    .object({ id: ZdxIdSchema.nullish(), city: OptionalText, region: OptionalText, country: OptionalText, geo_type: OptionalText })
    .nullish(),
  total_users: OptionalNumber,
  stats: z
    .object({
      active_users: OptionalNumber,
      active_devices: OptionalNumber,
      num_poor: OptionalNumber,
      num_okay: OptionalNumber,
      num_good: OptionalNumber,
    })
    .nullish(),
}));
export const AppSchema = z.lazy(() => camel(AppWire));
/** An item of `GET /v1/apps` (documented as a bare array; a paged object is accepted too). */
export type App = z.infer<typeof AppSchema>;

export const AppsPageSchema = z.lazy(() => camel(pageOf('apps', AppWire)));
export type AppsPage = z.infer<typeof AppsPageSchema>;

// ---------------------------------------------------------------------------------------------
// Deep traces

const TraceDetailsWire = z.lazy(() =>
  z
    .object({
      session_name: OptionalText,
      user_id: ZdxIdSchema.nullish(),
      username: OptionalText,
      device_id: ZdxIdSchema.nullish(),
      device_name: OptionalText,
      app_id: ZdxIdSchema.nullish(),
      app_name: OptionalText,
      web_probe_id: ZdxIdSchema.nullish(),
      web_probe_name: OptionalText,
      cloudpath_probe_id: ZdxIdSchema.nullish(),
      cloud_path_probe_id: ZdxIdSchema.nullish(),
      cloud_path_name: OptionalText,
      session_length: OptionalNumber,
      session_length_minutes: OptionalNumber,
      probe_device: z.boolean().nullish(),
    })
    .transform(({ cloud_path_probe_id, session_length, ...rest }) => ({
      ...rest,
      cloudpath_probe_id: rest.cloudpath_probe_id ?? cloud_path_probe_id,
      session_length_minutes: rest.session_length_minutes ?? session_length,
    })),
);

const DeepTraceWire = z.lazy(() => z.object({
  trace_id: ZdxIdSchema,
  status: z.string(),
  trace_details: TraceDetailsWire.nullish(),
  created_at: OptionalNumber,
  started_at: OptionalNumber,
  ended_at: OptionalNumber,
  /** Units unconfirmed (help examples suggest seconds). */
  expected_time: OptionalNumber,
  expected_time_minutes: OptionalNumber,
}));
/** `GET /v1/devices/{deviceId}/deeptraces/{traceId}`; also the start response and list items. */
export const DeepTraceSchema = z.lazy(() => camel(DeepTraceWire));
export type DeepTrace = z.infer<typeof DeepTraceSchema>;

export const DeepTracesSchema = z.lazy(() => camel(listOf(DeepTraceWire, ['deeptraces', 'deep_traces', 'traces'])));

/** `DELETE /v1/devices/{deviceId}/deeptraces/{traceId}`: `{ trace_id }` or an empty body. */
export const DeletedDeepTraceSchema = z.lazy(() => camel(
  z
    .object({ trace_id: ZdxIdSchema.nullish() })
    .nullish()
    .transform((value) => ({ trace_id: value?.trace_id ?? null })),
));
export type DeletedDeepTrace = z.infer<typeof DeletedDeepTraceSchema>;

/** Input of `deepTraces.start`, checked before anything is sent. */
export const StartDeepTraceSchema = z.lazy(() =>
  z
    .object({
      sessionName: z.string().min(1).max(256),
      appId: z.union([z.string().min(1), z.number().int().nonnegative()]),
      webProbeId: z.union([z.string().min(1), z.number().int().nonnegative()]).optional(),
      cloudpathProbeId: z.union([z.string().min(1), z.number().int().nonnegative()]).optional(),
      /** ZDX supports 5, 15, 30 and 60. @default 5 on the server */
      sessionLengthMinutes: z.union([z.literal(5), z.literal(15), z.literal(30), z.literal(60)]).optional(),
      probeDevice: z.boolean().optional(),
    })
    .refine((value) => value.webProbeId !== undefined || value.cloudpathProbeId !== undefined, {
      message: 'give webProbeId or cloudpathProbeId (ZDX needs at least one probe)',
      path: ['webProbeId'],
    }),
);
export type StartDeepTraceInput = z.input<typeof StartDeepTraceSchema>;

const Metric = z.lazy(() => z.object({
  metric: z.string(),
  unit: OptionalText,
  datapoints: list(z.object({ timestamp: z.number(), value: z.number().nullable() })),
}));

/** `.../webprobe-metrics`: metric series (page fetch time, DNS, TCP, SSL ...). */
export const WebProbeMetricsSchema = z.lazy(() => camel(listOf(Metric, ['metrics', 'webprobe_metrics', 'data'])));
export type WebProbeMetric = z.infer<typeof WebProbeMetricsSchema>[number];

/** `.../cloudpath-metrics`: per leg, metric series (latency, loss ...). */
export const CloudPathMetricsSchema = z.lazy(() => camel(
  listOf(z.object({ leg_src: OptionalText, leg_dst: OptionalText, stats: list(Metric) }), ['metrics', 'cloudpath_metrics', 'data']),
));
export type CloudPathMetric = z.infer<typeof CloudPathMetricsSchema>[number];

const Hop = z.lazy(() => z.object({
  ip: OptionalText,
  gw_mac: OptionalText,
  gw_mac_vendor: OptionalText,
  pkt_sent: OptionalNumber,
  pkt_rcvd: OptionalNumber,
  latency_min: OptionalNumber,
  latency_max: OptionalNumber,
  latency_avg: OptionalNumber,
  latency_diff: OptionalNumber,
}));
const PathSegment = z.lazy(() => z.object({
  src: OptionalText,
  dst: OptionalText,
  num_hops: OptionalNumber,
  latency: OptionalNumber,
  loss: OptionalNumber,
  num_unresp_hops: OptionalNumber,
  tunnel_type: OptionalText,
  hops: list(Hop),
}));
/** `.../cloudpath`: hop data per timestamp. */
export const CloudPathSchema = z.lazy(() => camel(
  listOf(z.object({ timestamp: z.number(), cloudpath: listOf(PathSegment, ['legs']) }), ['data', 'items']),
));
export type CloudPathSample = z.infer<typeof CloudPathSchema>[number];

/** `.../health-metrics`: per category (CPU, memory, disk, network, Wi-Fi), per instance, metric series. */
export const HealthMetricsSchema = z.lazy(() => camel(
  listOf(
    z.object({ category: z.string(), instances: list(z.object({ metric: OptionalText, metrics: list(Metric) })) }),
    ['health_metrics', 'metrics', 'data'],
  ),
));
export type HealthMetricCategory = z.infer<typeof HealthMetricsSchema>[number];

/** prev/curr are documented as strings; anything else is kept as its JSON text. */
const EventValue = z.lazy(() => z.unknown().transform((value) => (value === null || value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value))));
const EventItem = z.lazy(() => z.object({ category: OptionalText, name: OptionalText, display_name: OptionalText, prev: EventValue, curr: EventValue }));
const EventGroup = z.lazy(() =>
  z
    .object({ timestamp: z.number(), events: list(EventItem).optional(), instances: list(EventItem).optional() })
    .transform(({ timestamp, events, instances }) => ({ timestamp, events: events?.length ? events : (instances ?? []) })),
);
/** `.../events`: Zscaler, hardware, software and network change events per timestamp. */
export const DeviceEventsSchema = z.lazy(() => camel(listOf(EventGroup, ['data', 'items'])));
export type DeviceEventGroup = z.infer<typeof DeviceEventsSchema>[number];

/** `.../top-processes`: per timestamp, per category, the heaviest processes. */
export const TopProcessesSchema = z.lazy(() => camel(
  listOf(
    z.object({
      timestamp: z.number(),
      top_processes: list(
        z.object({ category: OptionalText, processes: list(z.object({ id: ZdxIdSchema.nullish(), name: z.string() })) }),
      ),
    }),
    ['data', 'items'],
  ),
));
export type TopProcessesSample = z.infer<typeof TopProcessesSchema>[number];

// ---------------------------------------------------------------------------------------------
// Score analysis (`POST /analysis`, `GET /analysis/{id}`; zdx-api.md §2.1). No response schema is
// published: both shapes are read leniently (simulator assumption `zdx-score-analysis`).

/** Body of `POST /analysis` as we hold it; the client sends it snake_case (`device_id`, `app_id`, `t0`, `t1`). */
export const StartAnalysisSchema = z.lazy(() =>
  z.object({
    deviceId: z.union([z.string().min(1), z.number().int().nonnegative()]),
    appId: z.union([z.string().min(1), z.number().int().nonnegative()]),
    /** Epoch seconds. */
    t0: z.number().int().nonnegative(),
    /** Epoch seconds, after `t0`. */
    t1: z.number().int().nonnegative(),
  }).refine((value) => value.t1 > value.t0, { message: 't1 must be after t0', path: ['t1'] }),
);
export type StartAnalysisInput = z.input<typeof StartAnalysisSchema>;

/** `POST /analysis`: the new analysis' id (`analysis_id`, or `id`). */
export const AnalysisStartedSchema = z.lazy(() => camel(
  z
    .object({ analysis_id: ZdxIdSchema.optional(), id: ZdxIdSchema.optional(), status: OptionalText })
    .refine((value) => value.analysis_id !== undefined || value.id !== undefined, { message: 'no analysis_id', path: ['analysis_id'] })
    .transform(({ analysis_id, id, status }) => ({ analysis_id: (analysis_id ?? id)!, status })),
));
export type AnalysisStarted = z.infer<typeof AnalysisStartedSchema>;

const AnalysisIssue = z.lazy(() => z.object({
  category: OptionalText,
  reason: OptionalText,
  /** Share of the score drop this issue explains (0..100), when given. */
  impact: OptionalNumber,
}));
/** `GET /analysis/{id}`: status (open string) and, once done, what drove the score down. */
export const AnalysisSchema = z.lazy(() => camel(z.object({
  analysis_id: ZdxIdSchema.optional(),
  status: z.string(),
  score: OptionalNumber,
  issues: list(AnalysisIssue),
})));
export type Analysis = z.infer<typeof AnalysisSchema>;
