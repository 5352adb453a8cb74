/**
 * The per-device deep-trace steps: start (with the application's probes), poll, collect.
 *
 * Rules that matter:
 * - A DELETE on a deep trace deletes its data too, so nothing here ever deletes a trace: traces end
 *   on their own at the session length, and a trace we stop waiting for keeps its data in ZDX.
 * - Every start is idempotent. The session name is unique per execution and device, so it is the
 *   start's idempotency key: StartDeepTrace first looks for its session in the device's deep-trace
 *   list and adopts a trace a previous attempt started (the Lambda died after the POST, or the reply
 *   was lost or garbled), even one that already ended, which ZDX would not refuse a second start
 *   for. A start whose reply is unreadable or refused with a conflict looks again before failing.
 * - Statuses are open strings (zdx-api.md §2.5); unknown ones count as still running until the
 *   give-up time.
 */
import { ApiError, BusyError, ErrorName, JobFailedError } from '../../core/errors.js';
import type { CallOptions } from '../../core/http/http-client.js';
import type { Clock } from '../../core/ports.js';
import { systemClock } from '../../core/ports.js';
import type { CloudPathProbe, StartDeepTraceInput, WebProbe } from '../../zscaler/zdx/schemas.js';
import type { DiagnosticsSettings } from '../settings.js';
import { summarizeTraceResults } from '../domain/trace-results.js';
import type { DeviceRun, DeviceTaskInput, TraceHandle, TracePhase, TraceStatus } from '../domain/workflow-state.js';
import { scoreWithData, type DiagnosticsZdx } from '../zdx-port.js';

export interface DeepTraceDeps {
  readonly zdx: DiagnosticsZdx;
  readonly settings: Pick<DiagnosticsSettings, 'sessionLengthMinutes' | 'probeDevice' | 'pollIntervalSeconds' | 'traceGraceMinutes'>;
  readonly clock?: Clock;
  readonly call?: CallOptions;
}

/** Session name of our traces: identifies the execution so a retried start can find its trace. */
export function sessionName(input: DeviceTaskInput): string {
  return `zsa ${input.executionName} ${input.device.deviceId}`.slice(0, 128);
}

/**
 * The web probe to trace: the worst one for this application on this device (lowest score, then
 * slowest page fetch), since that is where the alert's symptom shows.
 */
export function pickWebProbe<P extends Pick<WebProbe, 'avgScore' | 'avgPft'>>(probes: readonly P[]): P | undefined {
  const score = (probe: P) => scoreWithData(probe.avgScore) ?? 101;
  return [...probes].sort((a, b) => score(a) - score(b) || (b.avgPft ?? 0) - (a.avgPft ?? 0))[0];
}

/** The cloud-path probe to trace: the one with the highest end-to-end latency. */
export function pickCloudPathProbe<P extends Pick<CloudPathProbe, 'avgLatencies'>>(probes: readonly P[]): P | undefined {
  const total = (probe: P) => probe.avgLatencies.reduce((sum, leg) => sum + (leg.latency ?? 0), 0);
  return [...probes].sort((a, b) => total(b) - total(a))[0];
}

/** StartDeepTrace: picks the probes and starts the trace (or adopts the one a retried attempt started). */
export async function startDeepTrace(input: DeviceTaskInput, deps: DeepTraceDeps): Promise<TraceHandle> {
  const clock = deps.clock ?? systemClock;
  const { deviceId, appId } = input.device;
  const sessionSeconds = deps.settings.sessionLengthMinutes * 60;
  const [webProbes, cloudPathProbes] = await Promise.all([
    deps.zdx.devices.webProbes(deviceId, appId, {}, deps.call),
    deps.zdx.devices.cloudPathProbes(deviceId, appId, {}, deps.call),
  ]);
  const web = pickWebProbe(webProbes);
  const cloudPath = pickCloudPathProbe(cloudPathProbes);
  const now = clock.now();
  const giveUpAt = now + (sessionSeconds + deps.settings.traceGraceMinutes * 60) * 1000;
  if (!web && !cloudPath) {
    return {
      started: false,
      traceId: null,
      startedAt: now,
      waitSeconds: 0,
      giveUpAt: now,
      reason: `the device has no web or cloud-path probe for application ${appId}`,
    };
  }
  const body: StartDeepTraceInput = {
    sessionName: sessionName(input),
    appId,
    sessionLengthMinutes: deps.settings.sessionLengthMinutes as StartDeepTraceInput['sessionLengthMinutes'],
    probeDevice: deps.settings.probeDevice,
  };
  if (web) body.webProbeId = web.id;
  if (cloudPath) body.cloudpathProbeId = cloudPath.id;
  const handle: TraceHandle = { started: true, traceId: null, sessionName: body.sessionName, startedAt: now, waitSeconds: sessionSeconds, giveUpAt };
  if (web) {
    handle.webProbeId = web.id;
    if (web.name) handle.webProbeName = web.name;
  }
  if (cloudPath) {
    handle.cloudPathProbeId = cloudPath.id;
    if (cloudPath.name) handle.cloudPathProbeName = cloudPath.name;
  }
  const earlier = (await deviceTraces(deviceId, body.sessionName, deps)).ours;
  if (earlier) return adopt(handle, earlier);
  try {
    const started = await deps.zdx.deepTraces.start(deviceId, body, deps.call);
    handle.traceId = started.traceId;
    if (started.status) handle.status = started.status;
    return handle;
  } catch (error) {
    const conflict = error instanceof ApiError && error.name === ErrorName.Conflict;
    // No (readable) answer: the start may have happened. Look before anyone starts a second one.
    const uncertain = !(error instanceof ApiError);
    if (!conflict && !uncertain) throw error;
    let traces: DeviceTraces;
    try {
      traces = await deviceTraces(deviceId, body.sessionName, deps);
    } catch {
      throw error;
    }
    if (traces.ours) return adopt(handle, traces.ours);
    if (uncertain) throw error;
    if (traces.othersActive > 0) {
      throw new JobFailedError(`device ${deviceId} already has an active deep trace that this run did not start (ZDX allows one per device)`, 'device_busy', { cause: error });
    }
    // Refused although the device is free: the tenant is at its cap (traces started elsewhere, e.g. the portal).
    throw new BusyError(`ZDX refused the deep trace of device ${deviceId}: the tenant has reached its active deep-trace limit`, { cause: error });
  }
}

/** The handle of a trace this execution started on an earlier attempt. */
function adopt(handle: TraceHandle, ours: NonNullable<DeviceTraces['ours']>): TraceHandle {
  handle.traceId = ours.traceId;
  if (ours.status) handle.status = ours.status;
  return handle;
}

interface DeviceTraces {
  readonly ours: { traceId: string; status?: string } | undefined;
  readonly othersActive: number;
}

async function deviceTraces(deviceId: string, name: string, deps: Pick<DeepTraceDeps, 'zdx' | 'call'>): Promise<DeviceTraces> {
  const traces = await deps.zdx.deepTraces.list(deviceId, deps.call);
  let ours: DeviceTraces['ours'];
  let othersActive = 0;
  for (const trace of traces) {
    const id = trace.traceId;
    if (trace.traceDetails?.sessionName === name) ours = trace.status ? { traceId: id, status: trace.status } : { traceId: id };
    else if (classifyTraceStatus(trace.status).phase === 'running') othersActive++;
  }
  return { ours, othersActive };
}

/** Maps an open ZDX status string to what the state machine does next. */
export function classifyTraceStatus(status: string): { phase: TracePhase; collectable: boolean } {
  const normalized = status.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if (['completed', 'complete', 'finished', 'done', 'success', 'succeeded', 'successful'].includes(normalized)) return { phase: 'completed', collectable: true };
  // "Incomplete": the session ended with partial data (zdx-api.md §2.5); read what is there.
  if (['incomplete', 'partial', 'partially_completed'].includes(normalized)) return { phase: 'completed', collectable: true };
  if (['expired', 'timed_out', 'timeout'].includes(normalized)) return { phase: 'expired', collectable: false };
  if (['failed', 'failure', 'error', 'errored'].includes(normalized)) return { phase: 'failed', collectable: false };
  if (['aborted', 'abort_initiated', 'cancelled', 'canceled', 'stopped', 'deleted'].includes(normalized)) return { phase: 'aborted', collectable: false };
  return { phase: 'running', collectable: false };
}

/** GetTraceStatus: one poll. `polls` counts this poll; `pollSeconds` is the next wait. */
export async function getTraceStatus(
  input: { device: { deviceId: string }; trace: TraceHandle; status?: { polls?: number; traceId?: string | undefined } | undefined },
  deps: DeepTraceDeps,
): Promise<TraceStatus> {
  const clock = deps.clock ?? systemClock;
  const polls = (input.status?.polls ?? 0) + 1;
  const heldId = input.status?.traceId ?? input.trace.traceId;
  if (!heldId) throw new JobFailedError('no trace to poll: the trace was not started', 'not_started');
  const { view, traceId } = await traceView(input.device.deviceId, heldId, input.trace.sessionName, deps);
  const corrected = traceId === input.trace.traceId ? {} : { traceId };
  const status = view.status ?? 'unknown';
  const { phase, collectable } = classifyTraceStatus(status);
  if (phase === 'running' && clock.now() >= input.trace.giveUpAt) {
    return { status, phase: 'gave_up', collectable: false, pollSeconds: 0, polls, ...corrected };
  }
  return { status, phase, collectable, pollSeconds: phase === 'running' ? deps.settings.pollIntervalSeconds : 0, polls, ...corrected };
}

/**
 * The trace's current view. When ZDX does not know the id we hold (the start's reply was garbled
 * into another valid-looking id), the session name finds the trace we really started.
 */
async function traceView(deviceId: string, traceId: string, session: string | undefined, deps: DeepTraceDeps): Promise<{ view: { status?: string }; traceId: string }> {
  try {
    const view = await deps.zdx.deepTraces.get(deviceId, traceId, deps.call);
    return { view, traceId };
  } catch (error) {
    if (!(error instanceof ApiError && error.name === ErrorName.NotFound) || !session) throw error;
    const ours = (await deviceTraces(deviceId, session, deps)).ours;
    if (!ours || ours.traceId === traceId) throw error;
    return { view: ours, traceId: ours.traceId };
  }
}

/**
 * CollectTraceResults: reads the six result endpoints and reduces them to evidence. A retryable
 * failure (429, 5xx, timeout) propagates so the state machine retries the step; any other failure
 * of one endpoint is recorded in `evidence.missing` and the rest is still used.
 */
export async function collectTraceResults(
  input: { device: DeviceTaskInput['device']; trace: TraceHandle; status: TraceStatus },
  deps: Pick<DeepTraceDeps, 'zdx' | 'call'>,
): Promise<DeviceRun> {
  const traceId = input.status.traceId ?? input.trace.traceId;
  if (!traceId) throw new JobFailedError('no trace to collect: the trace was not started', 'not_started');
  const missing: string[] = [];
  const read = async <T>(path: string, call: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await call();
    } catch (error) {
      if (error instanceof Error && 'retryable' in error && (error as { retryable: boolean }).retryable) throw error;
      missing.push(`${path}: ${error instanceof Error ? error.message.slice(0, 160) : 'unreadable'}`);
      return undefined;
    }
  };
  const { deviceId } = input.device;
  const traces = deps.zdx.deepTraces;
  const [webProbeMetrics, cloudPathMetrics, cloudPath, healthMetrics, events, topProcesses] = await Promise.all([
    read('webprobe-metrics', () => traces.webProbeMetrics(deviceId, traceId, deps.call)),
    read('cloudpath-metrics', () => traces.cloudPathMetrics(deviceId, traceId, deps.call)),
    read('cloudpath', () => traces.cloudPath(deviceId, traceId, deps.call)),
    read('health-metrics', () => traces.healthMetrics(deviceId, traceId, deps.call)),
    read('events', () => traces.events(deviceId, traceId, deps.call)),
    read('top-processes', () => traces.topProcesses(deviceId, traceId, deps.call)),
  ]);
  const evidence = summarizeTraceResults({ webProbeMetrics, cloudPathMetrics, cloudPath, healthMetrics, events, topProcesses });
  evidence.missing.push(...missing);
  const run: DeviceRun = { device: input.device, outcome: 'traced', traceId, traceStatus: input.status.status, evidence };
  const probes: { web?: string; cloudPath?: string } = {};
  if (input.trace.webProbeName ?? input.trace.webProbeId) probes.web = (input.trace.webProbeName ?? input.trace.webProbeId)!;
  if (input.trace.cloudPathProbeName ?? input.trace.cloudPathProbeId) probes.cloudPath = (input.trace.cloudPathProbeName ?? input.trace.cloudPathProbeId)!;
  if (probes.web || probes.cloudPath) run.probes = probes;
  return run;
}
