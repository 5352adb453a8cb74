/**
 * What ZDX already holds about a device before any deep trace (zdx-api.md §4): the history of an
 * app's web probe and Cloud Path probe on the device, the device's health metrics and its events;
 * and Zscaler's score analysis of a device and app (`POST /analysis`, `GET /analysis/{id}`, §2.1).
 *
 * The history has the shapes of the deep-trace results (the same builders fill it), one sample per
 * probe interval, and shows each device's root cause as its profile has it, but not always as
 * clearly as a deep trace does: see {@link historyVisibility} (assumption `zdx-history-visibility`).
 */
import * as z from 'zod';
import type { SimulatorContext } from '../context.js';
import type { ZdxData, ZdxDevice } from '../data/zdx-seed.js';
import { intParam, intQuery, parseBody, zdxError, type SimRequest, type SimResponse } from '../http.js';
import { hash32 } from '../random.js';
import type { Router } from '../router.js';
import { zdxAuthed } from './auth.js';
import { PROFILE_METRICS, type ProfileMetrics } from './profiles.js';
import { cloudPath, cloudPathMetrics, events, healthMetrics, webProbeMetrics, type TraceResultInput } from './trace-results.js';

/**
 * How plainly a device's history shows its root cause: `clear` as in a deep trace (noisier),
 * `weak` halfway between healthy and the profile, `absent` not at all (the problem began inside
 * ZDX's ~20-minute reporting delay, so only the deep trace sees it).
 */
export type HistoryVisibility = 'clear' | 'weak' | 'absent';

/** Seconds between history samples: ZDX probes run every 5 minutes (assumption `zdx-history-samples`). */
const HISTORY_STEP_SECONDS = 300;
/** Reports endpoints return at most 2 hours per request (zdx-api.md §4). */
const MAX_HISTORY_SECONDS = 2 * 3600;
/** Simulated seconds an analysis takes before it completes (times `timeScale`). */
const ANALYSIS_SECONDS = 20;

/**
 * The visibility of a degraded device's root cause in its history: 6 in 10 devices `clear`, 2 in
 * 10 `weak`, 2 in 10 `absent`, fixed per seed and device. Healthy devices are always `clear`.
 */
export function historyVisibility(seed: number, device: Pick<ZdxDevice, 'id' | 'profile'>, overrides?: ReadonlyMap<number, HistoryVisibility>): HistoryVisibility {
  const override = overrides?.get(device.id);
  if (override) return override;
  if (device.profile === 'healthy') return 'clear';
  const bucket = hash32('history-visibility', seed, device.id) % 10;
  return bucket < 6 ? 'clear' : bucket < 8 ? 'weak' : 'absent';
}

/** Halfway between a healthy device and `profile` (every number; legs too). */
function halfway(profile: ProfileMetrics): ProfileMetrics {
  const healthy = PROFILE_METRICS.healthy;
  const mid = (a: number, b: number) => a + (b - a) / 2;
  const leg = (a: ProfileMetrics['clientEgress'], b: ProfileMetrics['clientEgress']) => ({ latency: mid(a.latency, b.latency), loss: mid(a.loss, b.loss) });
  const out = { ...profile } as Record<keyof ProfileMetrics, unknown>;
  for (const key of Object.keys(profile) as Array<keyof ProfileMetrics>) {
    const value = profile[key];
    out[key] = typeof value === 'number' ? mid(healthy[key] as number, value) : leg(healthy[key] as ProfileMetrics['clientEgress'], value);
  }
  return out as unknown as ProfileMetrics;
}

const AnalysisBody = z.object({ device_id: z.number().int().positive(), app_id: z.number().int().positive(), t0: z.number().int().nonnegative(), t1: z.number().int().nonnegative() });

interface AnalysisRecord {
  readonly id: string;
  readonly deviceId: number;
  readonly appId: number;
  readonly createdAt: number;
}

/** What Zscaler's analysis names as the cause of a low score, per profile. */
const ANALYSIS_ISSUES: Record<ZdxDevice['profile'], Array<{ category: string; reason: string; impact: number }>> = {
  healthy: [],
  'poor-wifi': [{ category: 'Wi-Fi', reason: 'Weak Wi-Fi signal and high latency at the first hop', impact: 70 }],
  'high-cpu': [{ category: 'Device', reason: 'High CPU and memory usage on the device', impact: 65 }],
  'zscaler-latency': [{ category: 'Zscaler', reason: 'High latency between the egress and the Zscaler service edge', impact: 60 }],
  'app-server-slow': [{ category: 'Application', reason: 'Slow server response time', impact: 75 }],
};

/** Registers the history endpoints and the score analysis. */
export function registerZdxHistoryRoutes(router: Router, ctx: SimulatorContext, data: ZdxData, visibilityOverrides: ReadonlyMap<number, HistoryVisibility>): void {
  const get = (pattern: string, handler: (request: SimRequest) => SimResponse) => router.add('zdx', 'GET', pattern, zdxAuthed(ctx, handler));
  const analyses = new Map<string, AnalysisRecord>();
  let nextAnalysis = 1;

  const deviceOf = (request: SimRequest): ZdxDevice => {
    const id = intParam(request, 'deviceId');
    const device = data.devices.get(id);
    if (!device) throw zdxError(404, 'NOT_FOUND', `Unknown device ${id}`);
    return device;
  };

  /** The input of the result builders for the device's history in the request's window. */
  const historyInput = (request: SimRequest, device: ZdxDevice, probes: { web: boolean; cloudPath: boolean }): TraceResultInput => {
    const nowSec = Math.floor(request.now / 1000);
    const to = Math.min(intQuery(request, 'to') ?? nowSec, nowSec);
    const from = intQuery(request, 'from') ?? to - MAX_HISTORY_SECONDS;
    if (to < from) throw zdxError(400, 'BAD_REQUEST', `Query parameter "to" (${to}) is before "from" (${from})`);
    // Longer spans are cut to their last 2 hours (assumption `zdx-history-samples`).
    const start = Math.max(from, to - MAX_HISTORY_SECONDS);
    const samples = Math.floor((to - start) / HISTORY_STEP_SECONDS);
    const visibility = historyVisibility(ctx.seed, device, visibilityOverrides);
    const shown: ZdxDevice = visibility === 'absent' ? { ...device, profile: 'healthy' } : device;
    const input: TraceResultInput = {
      traceId: `history-${device.id}`,
      seed: ctx.seed,
      device: shown,
      app: undefined,
      webProbe: probes.web,
      cloudPathProbe: probes.cloudPath,
      probeDevice: true,
      startSec: to - samples * HISTORY_STEP_SECONDS,
      minutes: samples,
      eventsInnerKey: ctx.config.zdx.deepTraces.eventsInnerKey,
      stepSeconds: HISTORY_STEP_SECONDS,
      // History aggregates several probes per sample: noisier than a trace's minute-by-minute data.
      jitter: 0.25,
    };
    return visibility === 'weak' ? { ...input, metrics: halfway(PROFILE_METRICS[device.profile]) } : input;
  };

  const probeOf = (request: SimRequest, kind: 'web' | 'cloudPath') => {
    const device = deviceOf(request);
    const appId = intParam(request, 'appId');
    const app = data.apps.get(appId);
    if (!app || !device.appIds.includes(appId)) throw zdxError(404, 'NOT_FOUND', `Application ${appId} is not monitored on device ${device.id}`);
    const probeId = intParam(request, 'probeId');
    const expected = kind === 'web' ? app.webProbeId : app.cloudPathProbeId;
    if (probeId !== expected) throw zdxError(404, 'NOT_FOUND', `Probe ${probeId} does not belong to application ${appId}`);
    return { device, app };
  };

  get('/v1/devices/:deviceId/apps/:appId/web-probes/:probeId', (request) => {
    const { device } = probeOf(request, 'web');
    return { status: 200, body: webProbeMetrics(historyInput(request, device, { web: true, cloudPath: false })) };
  });
  get('/v1/devices/:deviceId/apps/:appId/cloudpath-probes/:probeId', (request) => {
    const { device } = probeOf(request, 'cloudPath');
    return { status: 200, body: cloudPathMetrics(historyInput(request, device, { web: false, cloudPath: true })) };
  });
  get('/v1/devices/:deviceId/apps/:appId/cloudpath-probes/:probeId/cloudpath', (request) => {
    const { device, app } = probeOf(request, 'cloudPath');
    return { status: 200, body: cloudPath({ ...historyInput(request, device, { web: false, cloudPath: true }), app }) };
  });
  get('/v1/devices/:deviceId/health-metrics', (request) => {
    const device = deviceOf(request);
    return { status: 200, body: healthMetrics(historyInput(request, device, { web: false, cloudPath: false })) };
  });
  get('/v1/devices/:deviceId/events', (request) => {
    const device = deviceOf(request);
    return { status: 200, body: events(historyInput(request, device, { web: false, cloudPath: false })) };
  });

  router.add('zdx', 'POST', '/v1/analysis', zdxAuthed(ctx, (request): SimResponse => {
    if (!ctx.config.zdx.scoreAnalysis) throw zdxError(403, 'FORBIDDEN', 'Score analysis is not enabled for this tenant');
    const body = parseBody('zdx', AnalysisBody, request.body, 'analysis request');
    const device = data.devices.get(body.device_id);
    if (!device) throw zdxError(404, 'NOT_FOUND', `Unknown device ${body.device_id}`);
    if (!device.appIds.includes(body.app_id)) throw zdxError(400, 'BAD_REQUEST', `Application ${body.app_id} is not monitored on device ${device.id}`);
    if (body.t1 <= body.t0) throw zdxError(400, 'BAD_REQUEST', 't1 must be after t0');
    const id = String(880_000_000 + nextAnalysis++);
    analyses.set(id, { id, deviceId: device.id, appId: body.app_id, createdAt: request.now });
    return { status: 200, body: { analysis_id: id, status: 'in_progress' } };
  }));
  router.add('zdx', 'GET', '/v1/analysis/:analysisId', zdxAuthed(ctx, (request): SimResponse => {
    const record = analyses.get(request.params.analysisId ?? '');
    if (!record) throw zdxError(404, 'NOT_FOUND', `Unknown analysis ${request.params.analysisId}`);
    const done = request.now - record.createdAt >= ANALYSIS_SECONDS * 1000 * ctx.config.timeScale;
    if (!done) return { status: 200, body: { analysis_id: record.id, status: 'in_progress', issues: [] } };
    const device = data.devices.get(record.deviceId)!;
    const visibility = historyVisibility(ctx.seed, device, visibilityOverrides);
    const issues = visibility === 'absent' ? [] : ANALYSIS_ISSUES[device.profile];
    const score = visibility === 'absent' ? PROFILE_METRICS.healthy.score : PROFILE_METRICS[device.profile].score;
    return { status: 200, body: { analysis_id: record.id, status: 'completed', score, issues } };
  }));
}
