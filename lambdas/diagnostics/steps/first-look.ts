/**
 * The first look: a verdict for every affected device within seconds of the alert, from what ZDX
 * already holds (zdx-api.md §4: the history of the app's web probe and Cloud Path probe on the
 * device, the device's health metrics and events; §2.1: Zscaler's score analysis where the tenant
 * offers it), through the same diagnosis rules as the deep trace. The deep trace then confirms or
 * revises each verdict ({@link confirmFirstLook}).
 *
 * The history endpoints answer in the shapes of the deep-trace results, so the evidence comes from
 * the same {@link summarizeTraceResults} and the verdict from the same {@link diagnoseDevice}.
 * Nothing here throws for one device: an endpoint that fails is named in `missing`, and a device
 * with no evidence gets an "inconclusive" first look. The score analysis is one more source; its
 * absence or failure never holds a verdict back.
 */
import { ErrorName } from '../../core/errors.js';
import type { CallOptions } from '../../core/http/http-client.js';
import type { Clock } from '../../core/ports.js';
import { systemClock } from '../../core/ports.js';
import { VERDICT_TITLE, type Confirmation, type DeviceResult, type DiagnosticsReport, type FirstLook, type Verdict } from '../../notify/results.js';
import type { Analysis, CloudPathSample, DeviceEventGroup, HealthMetricCategory, WebProbeMetric } from '../../zscaler/zdx/schemas.js';
import type { Threshold } from '../domain/criteria.js';
import { pickCloudPathProbe, pickWebProbe } from './deep-trace.js';
import { diagnoseDevice } from '../domain/diagnose.js';
import { firstLookQueue, type FirstLookCandidate } from '../domain/first-look-order.js';
import { summarizeTraceResults } from '../domain/trace-results.js';
import type { FirstLookProgress, ResolvedAlert } from '../domain/workflow-state.js';
import { scoreWithData, type DiagnosticsZdx } from '../zdx-port.js';

/** The ZDX calls the first look makes. */
export type FirstLookZdx = Pick<DiagnosticsZdx, 'devices' | 'analysis'>;

/** How far before the alert's start the history reaches: the onset is part of the picture. */
export const LOOKBACK_BEFORE_ALERT_SECONDS = 30 * 60;
/** ZDX's reports endpoints return at most 2 hours per request (zdx-api.md §4). */
export const MAX_WINDOW_SECONDS = 2 * 3600;
/** Findings a first look keeps (Step Functions carries one per device). */
export const MAX_EVIDENCE = 6;
const MAX_TEXT = 240;

/** The history window: from 30 minutes before the alert started (at most 2 hours back) to now, epoch seconds. */
export function firstLookWindow(alertStartSeconds: number | undefined, nowSeconds: number): { from: number; to: number } {
  const start = alertStartSeconds !== undefined && alertStartSeconds > 0 && alertStartSeconds <= nowSeconds ? alertStartSeconds : nowSeconds - 3600;
  const from = Math.max(start - LOOKBACK_BEFORE_ALERT_SECONDS, nowSeconds - MAX_WINDOW_SECONDS);
  return { from: Math.min(from, nowSeconds - 300), to: nowSeconds };
}

/** What was read for one device, as the client returned it. */
export interface DeviceHistory {
  readonly webProbe?: WebProbeMetric[];
  readonly cloudPath?: CloudPathSample[];
  readonly health?: HealthMetricCategory[];
  readonly events?: DeviceEventGroup[];
  readonly analysis?: Analysis;
  /** Endpoints that could not be read, with why. */
  readonly missing: readonly string[];
}

/** Zscaler's score analysis as findings (completed analyses only). */
export function analysisFindings(analysis: Analysis | undefined): string[] {
  if (!analysis || analysis.status.toLowerCase() !== 'completed') return [];
  const issues = analysis.issues.filter((issue) => issue.reason || issue.category);
  const known = scoreWithData(analysis.score);
  const score = known === undefined ? '' : ` (ZDX score ${Math.round(known)})`;
  if (issues.length === 0) return [`Zscaler's score analysis found no cause${score}.`];
  return issues.slice(0, 2).map((issue) => {
    const share = typeof issue.impact === 'number' ? `, ${Math.round(issue.impact)}% of the score drop` : '';
    return `Zscaler's score analysis${score}: ${[issue.category, issue.reason].filter(Boolean).join(': ')}${share}.`;
  });
}

/** The deep-trace wording of the shared rules, said of the history window instead. */
function aboutHistory(text: string, windowMinutes: number): string {
  return text.replaceAll('during the whole trace', `over the last ${windowMinutes} minutes`).replaceAll('during the trace', `in the last ${windowMinutes} minutes`);
}

/**
 * The first look of one device from its history: the deep trace's evidence reduction and
 * diagnosis rules, then the strongest findings kept. Pure.
 */
export function firstLookFromHistory(history: DeviceHistory, thresholds: readonly Threshold[], timing: { secondsAfterWebhook: number; windowMinutes: number }): FirstLook {
  const evidence = summarizeTraceResults({ webProbeMetrics: history.webProbe, cloudPath: history.cloudPath, healthMetrics: history.health, events: history.events });
  evidence.missing = [...history.missing];
  const diagnosis = diagnoseDevice(evidence, thresholds);
  const reworded = (text: string) => aboutHistory(text, timing.windowMinutes).slice(0, MAX_TEXT);
  // The sentences that blame (or clear) a suspect first; the path and timing breakdowns after.
  const findings = diagnosis.findings.filter((finding) => !finding.startsWith('Not available:'));
  const breakdown = /^(Cloud path|Timing breakdown|Events|Device health normal)\b/;
  const ranked = [...findings.filter((finding) => !breakdown.test(finding)), ...findings.filter((finding) => breakdown.test(finding))];
  const fromAnalysis = analysisFindings(history.analysis);
  const kept = [...ranked.slice(0, MAX_EVIDENCE - Math.min(1, fromAnalysis.length)), ...fromAnalysis.slice(0, 1)];
  return {
    verdict: diagnosis.verdict,
    headline: reworded(diagnosis.headline),
    evidence: kept.map(reworded),
    metrics: diagnosis.metrics,
    secondsAfterWebhook: Math.max(0, Math.round(timing.secondsAfterWebhook * 10) / 10),
    windowMinutes: timing.windowMinutes,
    missing: history.missing.map((entry) => entry.slice(0, MAX_TEXT)),
  };
}

/** The reason in a diagnosis headline, without its "Verdict:" label and the symptom suffix. */
function reasonOf(headline: string): string {
  const reason = headline.replace(/^[^:]*:\s*/, '').replace(/;\s*page fetch [^;]*$/, '').replace(/\.$/, '');
  return reason || headline;
}

/**
 * Whether the deep trace confirmed the first look, or what it changed and why; e.g.
 * "first look: Network; deep trace: confirmed, hop 1 (192.168.1.1) ... adds 172 ms with 8% loss". Pure.
 */
export function confirmFirstLook(firstLook: FirstLook | undefined, result: Pick<DeviceResult, 'status' | 'diagnosis' | 'reason'>): Confirmation {
  if (!firstLook) return { outcome: 'no_first_look', text: 'no first look was taken' };
  const first = `first look: ${VERDICT_TITLE[firstLook.verdict]}`;
  if (result.status !== 'diagnosed' || !result.diagnosis) {
    return { outcome: 'not_traced', text: `${first}; no deep-trace diagnosis (${result.reason ?? result.status.replaceAll('_', ' ')}): the first look stands` };
  }
  const final = result.diagnosis;
  const why = reasonOf(final.headline);
  if (final.verdict === firstLook.verdict) return { outcome: 'confirmed', text: `${first}; deep trace: confirmed, ${why}` };
  const was = firstLook.verdict === 'unknown' ? ' (the history showed no cause)' : '';
  return { outcome: 'revised', text: `${first}${was}; deep trace: revised to ${VERDICT_TITLE[final.verdict]}, ${why}` };
}

/** What the first look needs. */
export interface FirstLookDeps {
  readonly zdx: FirstLookZdx;
  /** Also ask Zscaler's score analysis (two more calls per device). */
  readonly scoreAnalysis: boolean;
  readonly clock?: Clock;
  readonly call?: CallOptions;
}

function failure(what: string, error: unknown): string {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return `${what}: ${name}: ${message}`.slice(0, MAX_TEXT);
}

/**
 * Reads one device's history and takes its first look. Never throws. `deferred` when the shared
 * budget had no room for one of its calls before the deadline: that is no evidence of anything, so
 * the device waits for the next slice instead of getting a look with a gap.
 */
export async function lookAtDevice(
  candidate: FirstLookCandidate,
  context: { readonly window: { from: number; to: number }; readonly thresholds: readonly Threshold[]; readonly webhookAt: number },
  deps: FirstLookDeps,
): Promise<{ look: FirstLook; score?: number } | { deferred: true }> {
  const clock = deps.clock ?? systemClock;
  const { deviceId, appId } = candidate;
  const { window } = context;
  const missing: string[] = [];
  let deferred = false;
  const attempt = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      if (error instanceof Error && error.name === ErrorName.Busy) deferred = true;
      else missing.push(failure(what, error));
      return undefined;
    }
  };
  const analysisStart = deps.scoreAnalysis && deps.zdx.analysis
    ? attempt('score analysis', () => deps.zdx.analysis!.start({ deviceId, appId, t0: window.from, t1: window.to }, deps.call))
    : Promise.resolve(undefined);
  const [webProbes, cloudPathProbes] = await Promise.all([
    attempt('web probes', () => deps.zdx.devices.webProbes(deviceId, appId, window, deps.call)),
    attempt('Cloud Path probes', () => deps.zdx.devices.cloudPathProbes(deviceId, appId, window, deps.call)),
  ]);
  const web = pickWebProbe(webProbes ?? []);
  const cloudPath = pickCloudPathProbe(cloudPathProbes ?? []);
  if (webProbes && !web) missing.push('web probe history: no web probe for the application on this device');
  if (cloudPathProbes && !cloudPath) missing.push('Cloud Path history: no Cloud Path probe for the application on this device');
  const [webProbe, path, health, events, started] = await Promise.all([
    web ? attempt('web probe history', () => deps.zdx.devices.webProbeHistory(deviceId, appId, web.id, window, deps.call)) : undefined,
    cloudPath ? attempt('Cloud Path history', () => deps.zdx.devices.cloudPathHistory(deviceId, appId, cloudPath.id, window, deps.call)) : undefined,
    attempt('health metrics', () => deps.zdx.devices.healthMetrics(deviceId, window, deps.call)),
    attempt('events', () => deps.zdx.devices.events(deviceId, window, deps.call)),
    analysisStart,
  ]);
  // Read once, after the history: an analysis still running then is left out rather than waited for.
  const analysis = started && deps.zdx.analysis && !deferred ? await attempt('score analysis result', () => deps.zdx.analysis!.get(started.analysisId, deps.call)) : undefined;
  if (deferred) return { deferred: true };
  const history: DeviceHistory = {
    missing,
    ...(webProbe ? { webProbe } : {}),
    ...(path ? { cloudPath: path } : {}),
    ...(health ? { health } : {}),
    ...(events ? { events } : {}),
    ...(analysis ? { analysis } : {}),
  };
  const look = firstLookFromHistory(history, context.thresholds, {
    secondsAfterWebhook: (clock.now() - context.webhookAt) / 1000,
    windowMinutes: Math.round((window.to - window.from) / 60),
  });
  const score = scoreWithData(web?.avgScore);
  return score === undefined ? { look } : { look, score };
}

/**
 * What all first looks of one alert may take of the Step Functions state (256 KiB in all, shared with
 * the deep traces' evidence and the report).
 */
export const FIRST_LOOKS_MAX_BYTES = 64 * 1024;

/**
 * A first look cut to `maxBytes` of JSON: the weakest findings go first, then the metrics, then the
 * headline is shortened; verdict and timing always stay. Pure.
 */
export function compactLook(look: FirstLook, maxBytes: number): FirstLook {
  const size = (value: FirstLook) => Buffer.byteLength(JSON.stringify(value));
  let compact = look;
  while (size(compact) > maxBytes && compact.evidence.length > 0) compact = { ...compact, evidence: compact.evidence.slice(0, -1) };
  if (size(compact) > maxBytes) compact = { ...compact, metrics: {}, missing: compact.missing.slice(0, 1).map((entry) => entry.slice(0, 80)) };
  if (size(compact) > maxBytes) compact = { ...compact, headline: `${compact.headline.slice(0, 120)}…` };
  return compact;
}

/** Options of one {@link runFirstLook} slice. */
export interface FirstLookSlice {
  /** Epoch ms after which no further device is started (those in flight finish); one device is always started. */
  readonly startBefore: number;
  /** Devices read at once. */
  readonly concurrency: number;
}

/**
 * Takes first looks in impact order until every device has one or the slice ends; returns the
 * looks so far and the devices still waiting. Call again with the returned progress to go on.
 */
export async function runFirstLook(
  input: { readonly resolved: ResolvedAlert; readonly webhookAt: number; readonly progress?: FirstLookProgress | undefined },
  deps: FirstLookDeps,
  slice: FirstLookSlice,
): Promise<FirstLookProgress> {
  const clock = deps.clock ?? systemClock;
  const queue = [...(input.progress?.remaining ?? firstLookQueue(input.resolved))];
  const looks = [...(input.progress?.looks ?? [])];
  const window = firstLookWindow(input.resolved.alert.startTime, Math.floor(input.webhookAt / 1000));
  const maxLookBytes = Math.floor(FIRST_LOOKS_MAX_BYTES / Math.max(1, queue.length + looks.length));
  const context = { window, thresholds: input.resolved.thresholds, webhookAt: input.webhookAt };
  let started = 0;
  let budgetFull = false;
  const worker = async () => {
    // At least one device per slice, so repeated calls always come to an end.
    while (queue.length > 0 && !budgetFull && (started === 0 || clock.now() < slice.startBefore)) {
      const candidate = queue.shift()!;
      started++;
      const result = await lookAtDevice(candidate, context, deps);
      if ('deferred' in result) {
        // No room in the budget before the deadline: this device goes first next time.
        budgetFull = true;
        queue.unshift(candidate);
        continue;
      }
      const look = compactLook(result.look, maxLookBytes);
      const entry: FirstLookProgress['looks'][number] = { deviceId: candidate.deviceId, traced: candidate.traced, look };
      if (candidate.deviceName) entry.deviceName = candidate.deviceName;
      if (candidate.userName) entry.userName = candidate.userName;
      looks.push(entry);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, slice.concurrency) }, worker));
  return { looks, remaining: queue, done: queue.length === 0, slices: (input.progress?.slices ?? 0) + 1 };
}

/** What the deep traces add to a first look (said in the first-look message). */
export function pendingText(tracedDevices: number, sessionLengthMinutes: number): string {
  if (tracedDevices === 0) return 'No deep trace runs for this alert: this first look is the diagnosis.';
  return (
    `Deep traces on ${tracedDevices} device${tracedDevices === 1 ? '' : 's'} (${sessionLengthMinutes}-minute sessions) will add live hop-by-hop Cloud Path, ` +
    'per-minute web timings, device health and top processes, and confirm or revise each verdict; this message is followed by (or, in Slack, updated with) the result.'
  );
}

/**
 * The first-look report: the diagnostics report of the devices looked at so far, marked
 * `first-look`, with what the deep traces will add. Pure.
 */
export function firstLookReport(input: {
  readonly resolved: ResolvedAlert;
  readonly progress: FirstLookProgress;
  readonly sessionLengthMinutes: number;
  readonly at: string;
  readonly executionUrl?: string;
}): DiagnosticsReport {
  const { resolved, progress } = input;
  const devices: DeviceResult[] = progress.looks.map((entry) => {
    const result: DeviceResult = { deviceId: entry.deviceId, traceId: null, status: 'first_look', diagnosis: null, firstLook: entry.look };
    if (entry.deviceName) result.deviceName = entry.deviceName;
    if (entry.userName) result.userName = entry.userName;
    return result;
  });
  const counts = new Map<Verdict, number>();
  for (const entry of progress.looks) counts.set(entry.look.verdict, (counts.get(entry.look.verdict) ?? 0) + 1);
  const ranked = [...counts].filter(([verdict]) => verdict !== 'unknown').sort((a, b) => b[1] - a[1]);
  const looked = progress.looks.length;
  const waiting = progress.remaining.length;
  const top = ranked[0];
  const tie = ranked[1] && top && ranked[1][1] === top[1];
  const verdict: Verdict = top && !tie ? top[0] : 'unknown';
  const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([name, count]) => `${count} ${VERDICT_TITLE[name].toLowerCase()}`);
  const sentences = [
    looked === 0
      ? 'First look: no device could be looked at yet.'
      : `First look from ZDX's history of the last ${progress.looks[0]!.look.windowMinutes} minutes: ${looked} device${looked === 1 ? '' : 's'} so far (${parts.join(', ')}).`,
  ];
  if (waiting > 0) sentences.push(`${waiting} more device${waiting === 1 ? '' : 's'} still to look at; their first looks come with the deep-trace result.`);
  const links: DiagnosticsReport['links'] = {};
  if (resolved.zdxUrl) links.zdx = resolved.zdxUrl;
  if (input.executionUrl) links.execution = input.executionUrl;
  return {
    kind: 'diagnostics',
    phase: 'first-look',
    pending: pendingText(resolved.devices.length, input.sessionLengthMinutes),
    alert: resolved.alert,
    devices,
    summary: { verdict, text: sentences.join(' '), diagnosed: 0, notDiagnosed: devices.length + waiting + resolved.unlistedDevices },
    startedAt: resolved.startedAt,
    completedAt: input.at,
    links,
  };
}

/**
 * The final report with each device's first look and whether the deep trace confirmed or revised
 * it; devices without a deep-trace diagnosis keep their first look as their answer. Pure.
 */
export function withFirstLooks(report: DiagnosticsReport, progress: FirstLookProgress | undefined): DiagnosticsReport {
  if (!progress) return { ...report, phase: 'final' };
  const looks = new Map(progress.looks.map((entry) => [entry.deviceId, entry.look]));
  const devices = report.devices.map((device) => {
    const look = looks.get(device.deviceId);
    if (!look) return device;
    return { ...device, firstLook: look, confirmation: confirmFirstLook(look, device) };
  });
  const outcomes = new Map<Confirmation['outcome'], number>();
  for (const device of devices) if (device.confirmation) outcomes.set(device.confirmation.outcome, (outcomes.get(device.confirmation.outcome) ?? 0) + 1);
  const confirmed = outcomes.get('confirmed') ?? 0;
  const revised = outcomes.get('revised') ?? 0;
  const standing = outcomes.get('not_traced') ?? 0;
  const withVerdict = devices.filter((device) => device.diagnosis || device.firstLook).length;
  const parts = [`${confirmed} confirmed`, `${revised} revised`];
  if (standing > 0) parts.push(`${standing} not traced (the first look stands)`);
  const sentence = `First looks: ${progress.looks.length} device${progress.looks.length === 1 ? '' : 's'}; the deep traces ${parts.join(', ')}. ${withVerdict} of ${devices.length + progress.remaining.length} devices have a verdict.`;
  return { ...report, phase: 'final', devices, summary: { ...report.summary, text: `${report.summary.text} ${sentence}` } };
}
