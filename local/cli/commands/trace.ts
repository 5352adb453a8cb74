/**
 * `zsa trace --device ID --app ID [--wait] [--trace-id ID] [--session-minutes N] [--json]`: a deep
 * trace by hand, run by the alert pipeline's own use cases (lambdas/diagnostics/steps):
 * `resolveDevices` (manual request) -> `startDeepTrace` (picks the app's web and Cloud Path probes on
 * the device) -> `getTraceStatus` polled with backoff -> `collectTraceResults` -> `diagnoseAlert`.
 * So a person at a terminal gets exactly the diagnosis the pipeline would have sent.
 *
 * Not done here: the tenant trace slots in DynamoDB (a person has no table; ZDX itself refuses a
 * start beyond the tenant cap or on a device already tracing, and that refusal is reported).
 */
import { JobFailedError } from '../../../lambdas/core/errors.js';
import { VERDICT_LABEL as NOTIFIER_VERDICT_LABEL, VERDICT_TITLE, type DeviceResult, type DiagnosticsReport, type Verdict } from '../../../lambdas/notify/results.js';
import { collectTraceResults, getTraceStatus, startDeepTrace, type DeepTraceDeps } from '../../../lambdas/diagnostics/steps/deep-trace.js';
import { diagnoseAlert } from '../../../lambdas/diagnostics/domain/diagnose.js';
import { resolveDevices } from '../../../lambdas/diagnostics/steps/resolve-devices.js';
import { DiagnosticsSettingsSchema, SESSION_LENGTHS_MINUTES } from '../../../lambdas/diagnostics/settings.js';
import type { DeviceRun, DeviceTaskInput, TraceHandle, TraceStatus } from '../../../lambdas/diagnostics/domain/workflow-state.js';
import type { DiagnosticsZdx } from '../../../lambdas/diagnostics/zdx-port.js';
import { flag, parseCommandArgs, requiredOption, stringOption, UsageError } from '../args.js';
import { CliHttp, zdxClientFor } from '../clients.js';
import { CredentialResolver, credentialSources } from '../credentials.js';
import { TRACE_SPEC } from '../help.js';
import { duration, ExitCode, Mark, Output, table, timing, type Command } from '../io.js';
import { loadDeploymentConfig, resolveEndpoints } from '../settings.js';

/** Poll waits: first, growth factor, cap (a session lasts minutes; statuses change a few times). */
const POLL = { firstMs: 5_000, factor: 1.5, maxMs: 30_000 } as const;

function zdxId(values: Parameters<typeof requiredOption>[0], name: string): string {
  const value = requiredOption(values, name);
  if (!/^\d{1,15}$/.test(value)) throw new UsageError(`--${name} must be a numeric ZDX id (got "${value}")`);
  return value;
}

/** Runs the trace; see the module comment. */
export const runTrace: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, TRACE_SPEC);
  const deviceId = zdxId(values, 'device');
  const appId = zdxId(values, 'app');
  const existingTrace = stringOption(values, 'trace-id');
  if (existingTrace !== undefined && !/^[\w.-]{1,64}$/.test(existingTrace)) throw new UsageError(`--trace-id must be a ZDX trace id (got "${existingTrace}")`);
  const wait = flag(values, 'wait') || existingTrace !== undefined;
  const json = flag(values, 'json');
  const loaded = loadDeploymentConfig(io, stringOption(values, 'config'));
  const sessionRaw = stringOption(values, 'session-minutes');
  const sessionLengthMinutes = sessionRaw === undefined ? (loaded?.config.diagnostics.sessionLengthMinutes ?? 5) : Number(sessionRaw);
  if (!(SESSION_LENGTHS_MINUTES as readonly number[]).includes(sessionLengthMinutes)) {
    throw new UsageError(`--session-minutes must be one of ${SESSION_LENGTHS_MINUTES.join(', ')} (got "${sessionRaw}")`);
  }
  const settings = DiagnosticsSettingsSchema.parse({ sessionLengthMinutes, probeDevice: loaded?.config.diagnostics.probeDevice ?? true });
  const sources = credentialSources(values);
  const endpoints = resolveEndpoints(io, loaded?.config, sources.zdxAuth);
  const credential = await new CredentialResolver(io, sources).zdxFor(endpoints.zdxAuth);

  const out = new Output(io);
  const { clock, sleep } = timing(io);
  const http = new CliHttp({ clock, sleep });
  try {
    const zdx: DiagnosticsZdx = zdxClientFor(http, endpoints, credential).client;
    const deps: DeepTraceDeps = { zdx, settings, clock, call: { signal: io.signal } };
    const resolved = await resolveDevices(
      {
        source: 'manual',
        alert: { alertId: `manual-${deviceId}-${appId}`, status: 'STARTED', ruleName: 'Manual deep trace (zsa trace)', extra: {} },
        devices: [{ deviceId, appId }],
      },
      { zdx, cooldown: { claim: async () => ({ claimed: true }) }, settings, clock },
    );
    const device = resolved.devices[0]!;
    const task: DeviceTaskInput = { device, alertId: resolved.alert.alertId, executionName: `zsa-cli-${clock.now()}` };

    let handle: TraceHandle;
    if (existingTrace !== undefined) {
      const now = clock.now();
      handle = { started: true, traceId: existingTrace, startedAt: now, waitSeconds: 0, giveUpAt: now + (sessionLengthMinutes + settings.traceGraceMinutes) * 60_000 };
      out.note(`Following deep trace ${existingTrace} on device ${deviceId}.`);
    } else {
      handle = await startDeepTrace(task, deps);
      if (!handle.started || !handle.traceId) {
        const report = diagnose(resolved, { device, outcome: 'no_probe', traceId: null, reason: handle.reason ?? 'the trace could not start' }, clock.now());
        emit(out, json, report, undefined);
        return ExitCode.Failed;
      }
      out.note(`Started deep trace ${handle.traceId} on device ${deviceId} for app ${appId} (${probesText(handle)}; session ${sessionLengthMinutes} min).`);
    }

    if (!wait) {
      const follow = `npm run zsa -- trace --device ${deviceId} --app ${appId} --trace-id ${handle.traceId}`;
      if (json) out.json({ deviceId, appId, traceId: handle.traceId, status: handle.status ?? 'started', sessionLengthMinutes, follow });
      else out.line(`${Mark.ok} Deep trace ${handle.traceId} started; results in about ${sessionLengthMinutes} min.`, `  Diagnose it then: ${follow}`);
      return ExitCode.Ok;
    }

    const status = await pollToEnd(handle, task, deps, out, sleep, io.signal, () => clock.now());
    const run: DeviceRun =
      status.phase === 'completed' && status.collectable
        ? await collectTraceResults({ device, trace: handle, status }, deps)
        : { device, outcome: status.phase === 'running' || status.phase === 'completed' ? 'gave_up' : status.phase, traceId: handle.traceId, traceStatus: status.status };
    const report = diagnose(resolved, run, clock.now());
    emit(out, json, report, handle);
    return report.devices[0]?.status === 'diagnosed' ? ExitCode.Ok : ExitCode.Failed;
  } finally {
    await http.close();
  }
};

/** Polls the trace with backoff until it leaves the running phase (or is given up on). */
async function pollToEnd(
  handle: TraceHandle,
  task: DeviceTaskInput,
  deps: DeepTraceDeps,
  out: Output,
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
  signal: AbortSignal | undefined,
  now: () => number,
): Promise<TraceStatus> {
  let pause: number = POLL.firstMs;
  let last: TraceStatus | undefined;
  for (;;) {
    await sleep(pause, signal);
    pause = Math.min(POLL.maxMs, pause * POLL.factor);
    const status = await getTraceStatus({ device: task.device, trace: handle, status: last }, deps);
    if (status.status !== last?.status) out.note(`  ${status.status} after ${duration(now() - handle.startedAt)}`);
    last = status;
    if (status.phase !== 'running') return status;
  }
}

function diagnose(resolved: Awaited<ReturnType<typeof resolveDevices>>, run: DeviceRun, now: number): DiagnosticsReport {
  return diagnoseAlert({ resolved, runs: [run], completedAt: new Date(now).toISOString() });
}

function probesText(handle: TraceHandle): string {
  const web = handle.webProbeName ?? handle.webProbeId;
  const cloudPath = handle.cloudPathProbeName ?? handle.cloudPathProbeId;
  return [web ? `web probe ${web}` : 'no web probe', cloudPath ? `Cloud Path probe ${cloudPath}` : 'no Cloud Path probe'].join(', ');
}

function emit(out: Output, json: boolean, report: DiagnosticsReport, handle: TraceHandle | undefined): void {
  if (json) {
    out.json(report);
    return;
  }
  const result = report.devices[0];
  if (!result) throw new JobFailedError('the diagnosis lists no device', 'empty');
  printDevice(out, result, handle);
  out.line('', report.summary.text);
}

/** The notifiers' words, except that the CLI says "inconclusive" where a message says "undetermined". */
const VERDICT_LABEL: Readonly<Record<Verdict, string>> = { ...NOTIFIER_VERDICT_LABEL, unknown: VERDICT_TITLE.unknown.toLowerCase() };

function printDevice(out: Output, result: DeviceResult, handle: TraceHandle | undefined): void {
  const rows: string[][] = [['Device', [result.deviceId, result.deviceName, result.userName].filter(Boolean).join(', ')]];
  rows.push(['Trace', `${result.traceId ?? 'not started'}${result.traceStatus ? ` (${result.traceStatus})` : ''}${handle && (handle.webProbeId || handle.cloudPathProbeId) ? `, ${probesText(handle)}` : ''}`]);
  if (result.diagnosis) {
    rows.push(['Verdict', VERDICT_LABEL[result.diagnosis.verdict] ?? result.diagnosis.verdict]);
    out.line(...table(rows), '', `${Mark.ok} ${result.diagnosis.headline}`);
    if (result.diagnosis.findings.length > 0) out.line('', 'Findings:', ...result.diagnosis.findings.map((finding) => `  ${Mark.info} ${finding}`));
    return;
  }
  rows.push(['Outcome', result.status]);
  out.line(...table(rows), '', `${Mark.failed} ${result.reason ?? 'no diagnosis'}`);
}
