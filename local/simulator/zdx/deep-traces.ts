/**
 * Deep traces (zdx-api.md §2): a time-driven lifecycle not_started -> started -> in_progress ->
 * completed (or failed / expired / incomplete per device), one active trace per device and a
 * tenant-wide cap on active traces that can never be exceeded. Status is computed from the clock,
 * so no timers run; the highest concurrency is measured at each start (the only moment the number
 * of active traces can grow).
 */
import * as z from 'zod';
import type { TraceOutcome } from '../config.js';
import type { SimulatorContext } from '../context.js';
import type { ZdxData } from '../data/zdx-seed.js';
import { hash32 } from '../random.js';
import { bump } from '../recorder.js';
import { HttpFailure, intParam, parseBody, zdxError, type SimRequest, type SimResponse } from '../http.js';
import type { Router } from '../router.js';
import { zdxAuthed } from './auth.js';
import { cloudPath, cloudPathMetrics, events, healthMetrics, topProcesses, webProbeMetrics, type TraceResultInput } from './trace-results.js';

/** Statuses that occupy the device slot and count against the tenant cap. */
export const ACTIVE_TRACE_STATUSES = ['not_started', 'started', 'in_progress'] as const;

/** One deep trace as stored; its status is derived from the clock. */
export interface DeepTrace {
  readonly traceId: string;
  readonly deviceId: number;
  readonly appId: number;
  readonly webProbeId: number | undefined;
  readonly cloudPathProbeId: number | undefined;
  readonly sessionName: string;
  readonly sessionLengthMinutes: number;
  readonly probeDevice: boolean;
  /** Epoch ms (simulator clock). */
  readonly createdAt: number;
  /** Real (scaled) duration of the session, ms. */
  readonly durationMs: number;
  readonly notStartedFraction: number;
  readonly startedFraction: number;
  readonly outcome: TraceOutcome;
}

const SessionLength = z.union([z.literal(5), z.literal(15), z.literal(30), z.literal(60)], {
  error: 'must be one of 5, 15, 30, 60',
});
const PositiveId = z.number({ error: 'must be an integer id' }).int('must be an integer id').positive('must be a positive id');

const StartTraceSchema = z
  .object({
    session_name: z.string({ error: 'is required (string)' }).min(1, 'must not be empty').max(256, 'must be at most 256 characters'),
    app_id: PositiveId,
    web_probe_id: PositiveId.optional(),
    cloudpath_probe_id: PositiveId.optional(),
    cloud_path_probe_id: PositiveId.optional(),
    session_length_minutes: SessionLength.optional(),
    probe_device: z.boolean({ error: 'must be a boolean' }).optional(),
  })
  .refine((b) => b.cloudpath_probe_id === undefined || b.cloud_path_probe_id === undefined || b.cloudpath_probe_id === b.cloud_path_probe_id, {
    message: 'cloudpath_probe_id and cloud_path_probe_id disagree',
    path: ['cloud_path_probe_id'],
  });

/** The trace's status at `now`. */
export function traceStatus(trace: DeepTrace, now: number): string {
  const fraction = (now - trace.createdAt) / trace.durationMs;
  if (trace.outcome === 'expired') return fraction < 1 ? 'not_started' : 'expired';
  if (fraction < trace.notStartedFraction) return 'not_started';
  if (fraction < trace.notStartedFraction + trace.startedFraction) return 'started';
  if (trace.outcome === 'failed' && fraction >= 0.5) return 'failed';
  if (fraction < 1) return 'in_progress';
  return trace.outcome;
}

/** True while the trace occupies its device and a tenant slot. */
export function isActive(trace: DeepTrace, now: number): boolean {
  return (ACTIVE_TRACE_STATUSES as readonly string[]).includes(traceStatus(trace, now));
}

/** Session minutes with data at `now`. */
function collectedMinutes(trace: DeepTrace, now: number): number {
  const status = traceStatus(trace, now);
  const length = trace.sessionLengthMinutes;
  const collectingFrom = trace.notStartedFraction + trace.startedFraction;
  const progress = ((now - trace.createdAt) / trace.durationMs - collectingFrom) / (1 - collectingFrom);
  switch (status) {
    case 'completed':
      return length;
    case 'incomplete':
      return Math.ceil(length / 2);
    case 'failed':
      return Math.max(1, Math.floor(length * ((0.5 - collectingFrom) / (1 - collectingFrom))));
    case 'in_progress':
      return Math.min(length, Math.max(1, Math.floor(progress * length)));
    default:
      return 0;
  }
}

/** All deep traces of the tenant; enforces one active trace per device and the tenant cap. */
export class DeepTraceStore {
  private readonly traces = new Map<string, DeepTrace>();
  private counter = 0;
  private readonly idBase: number;

  constructor(private readonly ctx: SimulatorContext) {
    // 15-digit ids like the SDK examples ('342941739947287'), unique per seed.
    this.idBase = 342_900_000_000_000 + (hash32('trace-ids', ctx.seed) % 90_000) * 1_000_000;
  }

  all(): DeepTrace[] {
    return [...this.traces.values()];
  }

  get(deviceId: number, traceId: string): DeepTrace | undefined {
    const trace = this.traces.get(traceId);
    return trace && trace.deviceId === deviceId ? trace : undefined;
  }

  activeCount(now: number): number {
    return this.all().filter((t) => isActive(t, now)).length;
  }

  /** Creates a trace after checking the per-device and tenant caps. */
  start(input: Omit<DeepTrace, 'traceId' | 'createdAt' | 'durationMs' | 'notStartedFraction' | 'startedFraction' | 'outcome'>, now: number): DeepTrace {
    const config = this.ctx.config.zdx.deepTraces;
    const active = this.all().filter((t) => isActive(t, now));
    const reject = (code: string, message: string): HttpFailure => zdxError(config.capRejectStatus, code, message);
    if (active.some((t) => t.deviceId === input.deviceId)) {
      throw reject('DEEPTRACE_ALREADY_ACTIVE', `Device ${input.deviceId} already has an active deep trace; only one is allowed per device`);
    }
    if (active.length >= config.tenantCap) {
      throw reject('DEEPTRACE_LIMIT_REACHED', `The tenant already has ${active.length} active deep traces (limit ${config.tenantCap})`);
    }
    this.counter += 1;
    const trace: DeepTrace = {
      ...input,
      traceId: String(this.idBase + this.counter),
      createdAt: now,
      durationMs: input.sessionLengthMinutes * 60_000 * this.ctx.config.timeScale,
      notStartedFraction: config.notStartedFraction,
      startedFraction: config.startedFraction,
      outcome: config.outcomes[String(input.deviceId)] ?? config.defaultOutcome,
    };
    this.traces.set(trace.traceId, trace);
    bump(this.ctx.counters.tracesStarted, String(input.deviceId));
    this.ctx.counters.maxConcurrentActiveTraces = Math.max(this.ctx.counters.maxConcurrentActiveTraces, active.length + 1);
    return trace;
  }

  /** Stops and deletes a trace with its data. */
  delete(traceId: string): void {
    this.traces.delete(traceId);
  }
}

function traceJson(data: ZdxData, trace: DeepTrace, now: number): Record<string, unknown> {
  const device = data.devices.get(trace.deviceId);
  const user = device ? data.users.get(device.userId) : undefined;
  const app = data.apps.get(trace.appId);
  const status = traceStatus(trace, now);
  const sec = (ms: number) => Math.floor(ms / 1000);
  const startedAt = trace.createdAt + trace.durationMs * trace.notStartedFraction;
  const endedAt = trace.outcome === 'failed' ? trace.createdAt + trace.durationMs * 0.5 : trace.createdAt + trace.durationMs;
  const ended = !(ACTIVE_TRACE_STATUSES as readonly string[]).includes(status);
  return {
    trace_id: trace.traceId,
    trace_details: {
      session_name: trace.sessionName,
      user_id: user?.id ?? 0,
      username: user?.name ?? '',
      device_id: trace.deviceId,
      device_name: device?.name ?? '',
      app_id: trace.appId,
      app_name: app?.name ?? '',
      web_probe_id: trace.webProbeId ?? 0,
      web_probe_name: trace.webProbeId !== undefined ? (app?.webProbeName ?? '') : '',
      cloudpath_probe_id: trace.cloudPathProbeId ?? 0,
      cloud_path_name: trace.cloudPathProbeId !== undefined ? (app?.cloudPathProbeName ?? '') : '',
      session_length: trace.sessionLengthMinutes,
      probe_device: trace.probeDevice,
    },
    status,
    created_at: sec(trace.createdAt),
    started_at: status === 'not_started' || status === 'expired' ? 0 : sec(startedAt),
    ended_at: ended ? sec(status === 'expired' ? trace.createdAt + trace.durationMs : endedAt) : 0,
    expected_time_minutes: trace.sessionLengthMinutes,
  };
}

function resultInput(ctx: SimulatorContext, data: ZdxData, trace: DeepTrace, now: number): TraceResultInput {
  const device = data.devices.get(trace.deviceId);
  if (!device) throw zdxError(404, 'NOT_FOUND', `Unknown device ${trace.deviceId}`);
  return {
    traceId: trace.traceId,
    seed: ctx.seed,
    device,
    app: data.apps.get(trace.appId),
    webProbe: trace.webProbeId !== undefined,
    cloudPathProbe: trace.cloudPathProbeId !== undefined,
    probeDevice: trace.probeDevice,
    startSec: Math.floor((trace.createdAt + trace.durationMs * trace.notStartedFraction) / 1000),
    minutes: collectedMinutes(trace, now),
    eventsInnerKey: ctx.config.zdx.deepTraces.eventsInnerKey,
  };
}

const RESULT_BUILDERS: Record<string, (input: TraceResultInput) => unknown[]> = {
  'webprobe-metrics': webProbeMetrics,
  'cloudpath-metrics': cloudPathMetrics,
  cloudpath: cloudPath,
  'health-metrics': healthMetrics,
  events,
  'top-processes': topProcesses,
};

/** Results made of time-stamped samples: in object form the latest one stands for the session. */
const SAMPLED_RESULTS: ReadonlySet<string> = new Set(['cloudpath', 'events', 'top-processes']);

/**
 * One object instead of the array, as the Python SDK reads these endpoints (assumptions
 * `zdx-trace-result-object`): the latest sample of sampled results, else the first entry; `{}`
 * while there is no data.
 */
function asOneObject(name: string, items: readonly unknown[]): unknown {
  if (items.length === 0) return {};
  return SAMPLED_RESULTS.has(name) ? items[items.length - 1] : items[0];
}

/** Registers list/start/get/delete and the six result endpoints under `/v1/devices/{id}/deeptraces`. */
export function registerDeepTraceRoutes(router: Router, ctx: SimulatorContext, data: ZdxData, traces: DeepTraceStore): void {
  const device = (request: SimRequest) => {
    const id = intParam(request, 'deviceId');
    const found = data.devices.get(id);
    if (!found) throw zdxError(404, 'NOT_FOUND', `Unknown device ${id}`);
    return found;
  };
  const trace = (request: SimRequest) => {
    const deviceId = device(request).id;
    const found = traces.get(deviceId, request.params.traceId ?? '');
    if (!found) throw zdxError(404, 'NOT_FOUND', `Unknown deep trace ${request.params.traceId ?? ''} on device ${deviceId}`);
    return found;
  };
  const base = '/v1/devices/:deviceId/deeptraces';

  router.add('zdx', 'GET', base, zdxAuthed(ctx, (request): SimResponse => {
    const id = device(request).id;
    const list = traces.all().filter((t) => t.deviceId === id);
    return { status: 200, body: list.map((t) => traceJson(data, t, request.now)) };
  }));

  router.add('zdx', 'POST', base, zdxAuthed(ctx, (request): SimResponse => {
    const target = device(request);
    const body = parseBody('zdx', StartTraceSchema, request.body, 'deep trace request');
    const app = data.apps.get(body.app_id);
    if (!app || !target.appIds.includes(body.app_id)) {
      throw zdxError(400, 'BAD_REQUEST', `Invalid deep trace request: app_id: application ${body.app_id} is not monitored on device ${target.id}`);
    }
    const cloudPathProbeId = body.cloudpath_probe_id ?? body.cloud_path_probe_id;
    if (body.web_probe_id !== undefined && body.web_probe_id !== app.webProbeId) {
      throw zdxError(400, 'BAD_REQUEST', `Invalid deep trace request: web_probe_id: probe ${body.web_probe_id} does not belong to application ${app.id}`);
    }
    if (cloudPathProbeId !== undefined && cloudPathProbeId !== app.cloudPathProbeId) {
      throw zdxError(400, 'BAD_REQUEST', `Invalid deep trace request: cloudpath_probe_id: probe ${cloudPathProbeId} does not belong to application ${app.id}`);
    }
    const started = traces.start(
      {
        deviceId: target.id,
        appId: app.id,
        webProbeId: body.web_probe_id,
        cloudPathProbeId,
        sessionName: body.session_name,
        sessionLengthMinutes: body.session_length_minutes ?? 5,
        probeDevice: body.probe_device ?? false,
      },
      request.now,
    );
    const json = traceJson(data, started, request.now);
    return { status: 200, body: { ...json, expected_time: started.sessionLengthMinutes * 60 } };
  }));

  router.add('zdx', 'GET', `${base}/:traceId`, zdxAuthed(ctx, (request) => ({ status: 200, body: traceJson(data, trace(request), request.now) })));

  router.add('zdx', 'DELETE', `${base}/:traceId`, zdxAuthed(ctx, (request) => {
    const found = trace(request);
    traces.delete(found.traceId);
    return { status: 200, body: { trace_id: found.traceId } };
  }));

  for (const [name, build] of Object.entries(RESULT_BUILDERS)) {
    router.add('zdx', 'GET', `${base}/:traceId/${name}`, zdxAuthed(ctx, (request) => {
      const input = resultInput(ctx, data, trace(request), request.now);
      const items = input.minutes === 0 ? [] : build(input);
      return { status: 200, body: ctx.config.zdx.deepTraces.resultShape === 'object' ? asOneObject(name, items) : items };
    }));
  }
}
