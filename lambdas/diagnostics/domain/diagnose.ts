/**
 * Diagnose: turns each device's trace evidence into a finding a person can act on, and the devices
 * together into one verdict: is it the device, the network, Zscaler, or the application?
 *
 * Pure functions, no I/O. The rules (rules/, one file per family, with their thresholds and weights)
 * turn evidence into findings that add weight to one suspect each, and rules/phrasing.ts says why
 * in a sentence; here the heaviest suspect wins, and its strongest sentence becomes the headline.
 * When the symptom did not reproduce during the trace, or the evidence is thin, the verdict says
 * "unknown" rather than guessing.
 */
import { causeMessage } from '../../core/aws/step-functions-cause.js';
import { VERDICT_TITLE, type DeviceDiagnosis, type DeviceResult, type DiagnosticsReport, type Verdict } from '../../notify/results.js';
import type { Threshold } from './criteria.js';
import { byElimination } from './rules/elimination.js';
import { events } from './rules/events.js';
import { health } from './rules/health.js';
import { NOTABLE_HOP_ADDED_MS, NOTABLE_HOP_LOSS_PERCENT, path } from './rules/path.js';
import { ms, phrase, type RuleFinding } from './rules/phrasing.js';
import { processes } from './rules/processes.js';
import type { Scored, Suspect } from './rules/rule.js';
import { symptom } from './rules/symptom.js';
import { webTimings } from './rules/web-timings.js';
import type { DeviceRun, ResolvedAlert, TraceEvidence } from './workflow-state.js';

export { formatNumber } from './rules/phrasing.js';
export { hopRole } from './rules/path.js';

/** Below this total weight no suspect is named. */
const MIN_VERDICT_WEIGHT = 1.5;
/** When the symptom did not reproduce, a suspect is still named from this weight: one strong measurement explains the alert though the trace caught a better moment. */
const UNREPRODUCED_VERDICT_WEIGHT = 3;
/** A runner-up with 85% of the winner's weight or more is named as close behind: the evidence barely separates them. */
const CLOSE_BEHIND_SHARE = 0.85;

class Evidence {
  readonly weights: Record<Suspect, Array<{ weight: number; reason: string }>> = { device: [], network: [], zscaler: [], application: [] };
  readonly findings: string[] = [];
  readonly metrics: Record<string, number> = {};

  /** Records a rule family's metrics and findings: each blame adds its weight, each line is listed. */
  add<T extends Scored<RuleFinding>>(scored: T): T {
    Object.assign(this.metrics, scored.metrics);
    for (const finding of scored.findings) {
      const { reason, line } = phrase(finding);
      if (finding.blame) this.weights[finding.blame.suspect].push({ weight: finding.blame.weight, reason });
      if (line !== undefined) this.findings.push(line);
    }
    return scored;
  }

  total(suspect: Suspect): number {
    return this.weights[suspect].reduce((sum, entry) => sum + entry.weight, 0);
  }

  /** The suspect's strongest reason, and the next one when there is one. */
  strongest(suspect: Suspect): string | undefined {
    const [first, second] = [...this.weights[suspect]].sort((a, b) => b.weight - a.weight);
    if (!first) return undefined;
    return second ? `${first.reason}; also ${second.reason}` : first.reason;
  }
}

/** The diagnosis of one traced device. */
export function diagnoseDevice(evidence: TraceEvidence, thresholds: readonly Threshold[]): DeviceDiagnosis {
  const facts = new Evidence();
  const { present } = facts.add(symptom(evidence, thresholds));
  facts.add(webTimings(evidence));
  const { clean } = facts.add(path(evidence));
  const { healthy } = facts.add(health(evidence));
  facts.add(events(evidence));
  const { cpuUsers } = facts.add(processes(evidence));
  if (evidence.missing.length > 0) facts.findings.push(`Not available: ${evidence.missing.join('; ')}.`);
  const elimination = byElimination({
    present,
    clean,
    healthy,
    applicationUnexplained: facts.total('application') < MIN_VERDICT_WEIGHT,
    pathLatencyMs: facts.metrics.pathLatencyMs,
    pageFetchMs: evidence.web.pageFetchMs?.avg,
  });
  if (elimination) facts.add({ findings: [elimination], metrics: {} });

  const ranked = (['device', 'network', 'zscaler', 'application'] as const)
    .map((suspect) => ({ suspect, weight: facts.total(suspect) }))
    .sort((a, b) => b.weight - a.weight);
  const top = ranked[0]!;
  const runnerUp = ranked[1]!;
  const symptomText = symptomSuffix(facts);
  let verdict: Verdict;
  let headline: string;
  if (present === false && top.weight < UNREPRODUCED_VERDICT_WEIGHT) {
    verdict = 'unknown';
    headline = `${VERDICT_TITLE.unknown}: the problem did not reproduce during the trace${symptomText}`;
  } else if (top.weight < MIN_VERDICT_WEIGHT) {
    verdict = 'unknown';
    headline = `${VERDICT_TITLE.unknown}: no measurement points at a cause${symptomText}`;
  } else if (runnerUp.weight >= top.weight * CLOSE_BEHIND_SHARE && runnerUp.weight >= MIN_VERDICT_WEIGHT) {
    verdict = top.suspect;
    headline = `${VERDICT_TITLE[top.suspect]} (with ${VERDICT_TITLE[runnerUp.suspect].toLowerCase()} close behind): ${facts.strongest(top.suspect)}${symptomText}`;
  } else {
    verdict = top.suspect;
    const hogs = top.suspect === 'device' && cpuUsers.length > 0 ? ` (top CPU: ${cpuUsers.join(', ')})` : '';
    headline = `${VERDICT_TITLE[top.suspect]}: ${facts.strongest(top.suspect)}${hogs}${symptomText}`;
  }
  return { verdict, headline, findings: facts.findings, metrics: facts.metrics };
}

function symptomSuffix(facts: Evidence): string {
  const fetch = facts.metrics.pageFetchMs;
  if (fetch === undefined) return '.';
  const threshold = facts.metrics.thresholdMs;
  return threshold === undefined ? `; page fetch ${ms(fetch)}.` : `; page fetch ${ms(fetch)} vs the ${ms(threshold)} threshold.`;
}

function errorText(error: DeviceRun['error']): string | undefined {
  if (!error) return undefined;
  const cause = causeMessage(error.Cause);
  return cause ? `${error.Error ?? 'Error'}: ${cause}` : error.Error;
}

/** One device's reported result from its Map iteration. */
export function deviceResult(run: DeviceRun, thresholds: readonly Threshold[]): DeviceResult {
  const identity: DeviceResult = { deviceId: run.device.deviceId, traceId: run.traceId ?? null, status: 'error', diagnosis: null };
  if (run.device.deviceName) identity.deviceName = run.device.deviceName;
  if (run.device.userName) identity.userName = run.device.userName;
  if (run.traceStatus) identity.traceStatus = run.traceStatus;
  const reason = run.reason ?? errorText(run.error);
  switch (run.outcome) {
    case 'traced':
      return { ...identity, status: 'diagnosed', diagnosis: diagnoseDevice(run.evidence ?? emptyEvidence(), thresholds) };
    case 'failed':
    case 'aborted':
      return { ...identity, status: 'failed', reason: reason ?? `the deep trace ended ${run.traceStatus ?? run.outcome}; no results to read` };
    case 'expired':
      return { ...identity, status: 'expired', reason: reason ?? 'the deep trace expired: the device did not answer (offline or Client Connector not running)' };
    case 'gave_up':
      return { ...identity, status: 'expired', reason: reason ?? `the deep trace was still ${run.traceStatus ?? 'running'} long after its session length; stopped waiting (its data stays in ZDX)` };
    case 'no_probe':
      return { ...identity, status: 'no_probe', reason: reason ?? 'no web or cloud-path probe for this application on the device' };
    case 'capped':
      return { ...identity, status: 'capped', reason: reason ?? 'not traced: no tenant trace slot became free in time' };
    default:
      return { ...identity, status: 'error', reason: reason ?? 'the device could not be traced' };
  }
}

function emptyEvidence(): TraceEvidence {
  return { web: {}, legs: [], health: {}, events: [], topProcesses: [], missing: ['no results were collected'] };
}

const SUSPECT_PHRASE: Readonly<Record<Suspect, string>> = {
  device: 'the devices themselves',
  network: 'the network (local network or internet provider)',
  zscaler: 'Zscaler',
  application: 'the application',
};

function isPrivateIp(ip: string): boolean {
  return /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|127\.|169\.254\.|fc|fd|fe80)/i.test(ip);
}

/** The overall verdict and text over every device result. */
export function summarize(
  results: readonly DeviceResult[],
  runs: readonly DeviceRun[],
  extra: { unlistedDevices: number; notes: readonly string[] },
): DiagnosticsReport['summary'] {
  const diagnosed = results.filter((result) => result.status === 'diagnosed');
  const counts = new Map<Verdict, number>();
  for (const result of diagnosed) {
    const verdict = result.diagnosis?.verdict ?? 'unknown';
    counts.set(verdict, (counts.get(verdict) ?? 0) + 1);
  }
  const ranked = [...counts].filter(([verdict]) => verdict !== 'unknown').sort((a, b) => b[1] - a[1]);
  const sentences: string[] = [];
  let verdict: Verdict = 'unknown';
  if (diagnosed.length === 0) {
    sentences.push('No device could be diagnosed.');
  } else if (ranked.length === 0) {
    sentences.push(`None of the ${diagnosed.length} diagnosed devices shows a clear cause; the problem may not have reproduced during the traces.`);
  } else {
    const [first, second] = ranked;
    const others = ranked.slice(1).map(([suspect, count]) => `${count} to ${SUSPECT_PHRASE[suspect as Suspect]}`);
    const unknown = counts.get('unknown') ?? 0;
    if (unknown > 0) others.push(`${unknown} inconclusive`);
    const rest = others.length > 0 ? `; ${others.join(', ')}` : '';
    if (second && second[1] === first![1]) {
      sentences.push(`Mixed picture: ${ranked.map(([suspect, count]) => `${count} of ${diagnosed.length} diagnosed devices point to ${SUSPECT_PHRASE[suspect as Suspect]}`).join(', ')}.`);
    } else {
      verdict = first![0];
      sentences.push(`Most likely ${SUSPECT_PHRASE[first![0] as Suspect]}: ${first![1]} of ${diagnosed.length} diagnosed devices point to it${rest}.`);
    }
  }

  // A hop on a public network that is the worst hop for several devices is a shared cause.
  const sharedHops = new Map<string, { leg: string; devices: number }>();
  for (const run of runs) {
    const hop = run.evidence?.worstHop;
    if (run.outcome !== 'traced' || !hop || hop.ip === '*' || isPrivateIp(hop.ip) || (hop.addedLatencyMs < NOTABLE_HOP_ADDED_MS && hop.lossPercent < NOTABLE_HOP_LOSS_PERCENT)) continue;
    const entry = sharedHops.get(hop.ip) ?? { leg: hop.leg, devices: 0 };
    entry.devices++;
    sharedHops.set(hop.ip, entry);
  }
  for (const [ip, entry] of sharedHops) {
    if (entry.devices >= 2) sentences.push(`${entry.devices} devices share their worst hop ${ip} on ${entry.leg}.`);
  }

  const statusCounts = new Map<string, number>();
  for (const result of results) if (result.status !== 'diagnosed') statusCounts.set(result.status, (statusCounts.get(result.status) ?? 0) + 1);
  const STATUS_TEXT: Readonly<Record<string, string>> = {
    failed: 'trace failed',
    expired: 'trace expired',
    skipped_cooldown: 'in cooldown',
    skipped_budget: 'not traced for API budget',
    capped: 'capped',
    no_probe: 'without a probe for the application',
    error: 'errored',
  };
  const notDiagnosed = [...statusCounts].map(([status, count]) => `${count} ${STATUS_TEXT[status] ?? status}`);
  if (extra.unlistedDevices > 0) notDiagnosed.push(`${extra.unlistedDevices} more not listed`);
  const total = results.length + extra.unlistedDevices;
  sentences.push(`Diagnosed ${diagnosed.length} of ${total} affected device${total === 1 ? '' : 's'}${notDiagnosed.length > 0 ? ` (${notDiagnosed.join(', ')})` : ''}.`);
  for (const note of extra.notes) sentences.push(`${note.charAt(0).toUpperCase()}${note.slice(1)}${note.endsWith('.') ? '' : '.'}`);
  return { verdict, text: sentences.join(' '), diagnosed: diagnosed.length, notDiagnosed: results.length - diagnosed.length + extra.unlistedDevices };
}

export interface DiagnoseInput {
  readonly resolved: ResolvedAlert;
  readonly runs: readonly DeviceRun[];
  /** Console link of the execution, when known. */
  readonly executionUrl?: string;
  readonly completedAt: string;
}

/** Diagnose: the whole report of one alert. */
export function diagnoseAlert(input: DiagnoseInput): DiagnosticsReport {
  const thresholds = input.resolved.thresholds;
  const traced = input.runs.map((run) => deviceResult(run, thresholds));
  const results = [...traced, ...input.resolved.skipped];
  const summary = summarize(results, input.runs, { unlistedDevices: input.resolved.unlistedDevices, notes: input.resolved.notes });
  const links: DiagnosticsReport['links'] = {};
  if (input.resolved.zdxUrl) links.zdx = input.resolved.zdxUrl;
  if (input.executionUrl) links.execution = input.executionUrl;
  return {
    kind: 'diagnostics',
    alert: input.resolved.alert,
    devices: results,
    summary,
    startedAt: input.resolved.startedAt,
    completedAt: input.completedAt,
    links,
  };
}
