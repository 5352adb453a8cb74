/**
 * Diagnose: turns each device's trace evidence into a finding a person can act on, and the devices
 * together into one verdict: is it the device, the network, Zscaler, or the application?
 *
 * Pure functions, no I/O. Each piece of evidence adds weight to one suspect with a sentence that
 * says why; the heaviest suspect wins, and its strongest sentence becomes the headline. Healthy
 * measurements count too: a slow page fetch over a clean path from a healthy device points at the
 * application by elimination. When the symptom did not reproduce during the trace, or the evidence
 * is thin, the verdict says "unknown" rather than guessing.
 */
import { causeMessage } from '../../core/aws/step-functions-cause.js';
import { VERDICT_TITLE, type DeviceDiagnosis, type DeviceResult, type DiagnosticsReport, type Verdict } from '../../notify/results.js';
import type { Threshold } from './criteria.js';
import type { DeviceRun, ResolvedAlert, TraceEvidence } from './workflow-state.js';

type Suspect = Exclude<Verdict, 'unknown'>;
type Leg = TraceEvidence['legs'][number];
type Hop = NonNullable<TraceEvidence['worstHop']>;

/** Below this total weight no suspect is named. */
const MIN_VERDICT_WEIGHT = 1.5;

/** `4980.4` -> `4,980`. */
export function formatNumber(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function ms(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${formatNumber(value)} ms`;
}

function pct(value: number): string {
  return `${Math.round(value * 10) / 10}%`;
}

class Evidence {
  readonly weights: Record<Suspect, Array<{ weight: number; reason: string }>> = { device: [], network: [], zscaler: [], application: [] };
  readonly findings: string[] = [];
  readonly metrics: Record<string, number> = {};

  /** Adds weight to a suspect; the reason is listed as a finding unless it already is. */
  blame(suspect: Suspect, weight: number, reason: string, options: { listed?: boolean } = {}): void {
    this.weights[suspect].push({ weight, reason });
    if (!options.listed) this.findings.push(`${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`);
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

function exceeds(value: number, threshold: Threshold): boolean {
  switch (threshold.operator) {
    case '>':
      return value > threshold.value;
    case '>=':
      return value >= threshold.value;
    case '<':
      return value < threshold.value;
    case '<=':
      return value <= threshold.value;
    default:
      return value === threshold.value;
  }
}

/** Where a hop sits, in words, and whom it implicates. */
export function hopRole(hop: Hop): { suspect: Suspect; where: string } {
  switch (hop.legKind) {
    case 'local':
      return { suspect: 'network', where: hop.index === 1 ? 'the local gateway (Wi-Fi or home/office router)' : 'the local network before the internet egress' };
    case 'isp':
      return { suspect: 'network', where: "the internet provider's network" };
    case 'to_zscaler':
      return hop.isLast ? { suspect: 'zscaler', where: 'the Zscaler service edge itself' } : { suspect: 'network', where: "the internet provider's path to Zscaler" };
    case 'zscaler':
      return { suspect: 'zscaler', where: "Zscaler's cloud" };
    case 'to_app':
      if (hop.index === 1) return { suspect: 'zscaler', where: 'the egress of the Zscaler service edge' };
      return hop.isLast ? { suspect: 'application', where: "the application's server" } : { suspect: 'network', where: 'the internet path from Zscaler to the application' };
    case 'direct':
      return hop.isLast ? { suspect: 'application', where: "the application's server" } : { suspect: 'network', where: 'the internet path to the application' };
    default:
      return { suspect: 'network', where: 'the network path' };
  }
}

function legSuspect(leg: Leg): Suspect {
  if (leg.kind === 'zscaler') return 'zscaler';
  return 'network';
}

function symptom(evidence: TraceEvidence, thresholds: readonly Threshold[], facts: Evidence): boolean | undefined {
  const web = evidence.web;
  const pft = web.pageFetchMs;
  const threshold = thresholds.find((candidate) => candidate.kind === 'page_fetch_time');
  let present: boolean | undefined;
  if (pft) {
    facts.metrics.pageFetchMs = pft.avg;
    facts.metrics.pageFetchMaxMs = pft.max;
    if (threshold) {
      facts.metrics.thresholdMs = threshold.value;
      present = exceeds(pft.avg, threshold) || exceeds(pft.max, threshold);
      facts.findings.push(
        exceeds(pft.avg, threshold)
          ? `Page fetch averaged ${ms(pft.avg)} (max ${ms(pft.max)}) against the alert's ${ms(threshold.value)} threshold.`
          : `Page fetch averaged ${ms(pft.avg)} (max ${ms(pft.max)}), ${present ? 'crossing' : 'under'} the alert's ${ms(threshold.value)} threshold ${present ? 'only at peaks' : 'during the whole trace'}.`,
      );
    } else {
      present = pft.avg > 3_000;
      facts.findings.push(`Page fetch averaged ${ms(pft.avg)} (max ${ms(pft.max)}).`);
    }
  }
  for (const other of thresholds) {
    const measured =
      other.kind === 'dns_time' ? web.dnsMs?.avg : other.kind === 'server_response_time' ? web.serverResponseMs?.avg : undefined;
    if (measured === undefined) continue;
    const over = exceeds(measured, other);
    present = (present ?? false) || over;
    facts.findings.push(`${other.metric} measured ${ms(measured)} against the alert's ${ms(other.value)} threshold.`);
  }
  if (web.availabilityPercent && web.availabilityPercent.min < 100) {
    facts.metrics.availabilityPercent = web.availabilityPercent.avg;
    facts.findings.push(`Availability dropped to ${pct(web.availabilityPercent.min)} during the trace.`);
    present = true;
  }
  return present;
}

function webTimings(evidence: TraceEvidence, facts: Evidence): void {
  const { dnsMs, tcpMs, sslMs, serverResponseMs, pageFetchMs } = evidence.web;
  const parts: string[] = [];
  if (dnsMs) parts.push(`DNS ${ms(dnsMs.avg)}`);
  if (tcpMs) parts.push(`TCP connect ${ms(tcpMs.avg)}`);
  if (sslMs) parts.push(`TLS handshake ${ms(sslMs.avg)}`);
  if (serverResponseMs) parts.push(`server response ${ms(serverResponseMs.avg)}`);
  if (parts.length > 0) facts.findings.push(`Timing breakdown (averages): ${parts.join(', ')}.`);
  const fetch = pageFetchMs?.avg;
  if (dnsMs) {
    facts.metrics.dnsMs = dnsMs.avg;
    if (dnsMs.avg >= 300 || (fetch !== undefined && dnsMs.avg >= 100 && dnsMs.avg >= 0.3 * fetch)) {
      facts.blame('network', dnsMs.avg >= 800 ? 3 : 2, `DNS resolution takes ${ms(dnsMs.avg)}: check the resolver the device uses`);
    }
  }
  if (tcpMs) {
    facts.metrics.tcpMs = tcpMs.avg;
    if (tcpMs.avg >= 300) facts.blame('network', 1.5, `TCP connect takes ${ms(tcpMs.avg)}, a slow or lossy path`);
  }
  if (sslMs) {
    facts.metrics.sslMs = sslMs.avg;
    if (sslMs.avg >= 500 && sslMs.avg >= 3 * (tcpMs?.avg ?? 0)) {
      facts.blame('application', 1, `the TLS handshake takes ${ms(sslMs.avg)} while the TCP connect takes ${ms(tcpMs?.avg ?? 0)}: the server (or TLS inspection) is slow to handshake`);
    }
  }
  if (serverResponseMs) {
    facts.metrics.serverResponseMs = serverResponseMs.avg;
    const share = fetch ? serverResponseMs.avg / fetch : undefined;
    if (serverResponseMs.avg >= 1_000 || (share !== undefined && share >= 0.5 && serverResponseMs.avg >= 300)) {
      const shareText = share !== undefined ? ` (${Math.round(Math.min(share, 1) * 100)}% of the page fetch)` : '';
      facts.blame('application', serverResponseMs.avg >= 2_000 || (share ?? 0) >= 0.6 ? 3.5 : 2.5, `the server takes ${ms(serverResponseMs.avg)} to answer${shareText}`);
    }
  }
}

function pathFindings(evidence: TraceEvidence, facts: Evidence): { clean: boolean | undefined } {
  const legs = evidence.legs;
  if (legs.length === 0) return { clean: undefined };
  const latencies = legs.map((leg) => leg.latencyMs ?? 0);
  const total = latencies.reduce((sum, value) => sum + value, 0);
  const maxLoss = Math.max(0, ...legs.map((leg) => leg.lossPercent ?? 0));
  facts.metrics.pathLatencyMs = Math.round(total);
  facts.metrics.maxLegLossPercent = maxLoss;
  facts.findings.push(
    `Cloud path: ${legs.map((leg) => `${leg.name} ${leg.latencyMs !== undefined ? ms(leg.latencyMs) : 'n/a'}${leg.lossPercent ? `, ${pct(leg.lossPercent)} loss` : ''}`).join('; ')}.`,
  );
  for (const leg of legs) {
    if ((leg.lossPercent ?? 0) >= 1) {
      const suspect = leg.kind === 'to_app' ? 'network' : legSuspect(leg);
      facts.blame(suspect, Math.min(3, 1 + (leg.lossPercent ?? 0) / 3), `${pct(leg.lossPercent ?? 0)} packet loss on ${leg.name}`);
    }
  }
  const heaviest = legs.reduce((worst, leg) => ((leg.latencyMs ?? 0) > (worst.latencyMs ?? 0) ? leg : worst));
  if (total >= 150 && (heaviest.latencyMs ?? 0) >= 0.6 * total && heaviest.kind !== 'to_app' && heaviest.kind !== 'direct') {
    facts.blame(
      legSuspect(heaviest),
      1.5,
      `${Math.round(((heaviest.latencyMs ?? 0) / total) * 100)}% of the path latency (${ms(heaviest.latencyMs ?? 0)} of ${ms(total)}) is on ${heaviest.name}`,
    );
  }
  const hop = evidence.worstHop;
  if (hop && (hop.addedLatencyMs >= 30 || hop.lossPercent >= 2)) {
    const role = hopRole(hop);
    facts.metrics.worstHopAddedMs = hop.addedLatencyMs;
    facts.metrics.worstHopLossPercent = hop.lossPercent;
    const loss = hop.lossPercent >= 1 ? ` with ${pct(hop.lossPercent)} loss` : '';
    const text = `hop ${hop.index} (${hop.ip}) on ${hop.leg} adds ${ms(hop.addedLatencyMs)}${loss}: ${role.where}`;
    facts.findings.push(`Worst hop: ${text}.`);
    facts.blame(role.suspect, Math.min(4, 1 + hop.addedLatencyMs / 100 + hop.lossPercent / 5), text, { listed: true });
  }
  return { clean: maxLoss < 1 && total < 150 && !(hop && (hop.addedLatencyMs >= 50 || hop.lossPercent >= 2)) };
}

function healthFindings(evidence: TraceEvidence, facts: Evidence): { healthy: boolean | undefined } {
  const { cpuPercent, memoryPercent, wifiSignalDbm, wifiSignalPercent, diskPercent } = evidence.health;
  let healthy: boolean | undefined;
  const normal: string[] = [];
  if (cpuPercent) {
    facts.metrics.cpuPercent = cpuPercent.avg;
    if (cpuPercent.avg >= 85 || (cpuPercent.max >= 98 && cpuPercent.avg >= 70)) {
      facts.blame('device', cpuPercent.avg >= 95 ? 3.5 : 2.5, `CPU averaged ${pct(cpuPercent.avg)} (peak ${pct(cpuPercent.max)})`);
      healthy = false;
    } else {
      normal.push(`CPU ${pct(cpuPercent.avg)}`);
      healthy ??= true;
    }
  }
  if (memoryPercent) {
    facts.metrics.memoryPercent = memoryPercent.avg;
    if (memoryPercent.avg >= 90) {
      facts.blame('device', memoryPercent.avg >= 95 ? 3 : 2, `memory use averaged ${pct(memoryPercent.avg)} (peak ${pct(memoryPercent.max)})`);
      healthy = false;
    } else {
      normal.push(`memory ${pct(memoryPercent.avg)}`);
      healthy ??= true;
    }
  }
  if (diskPercent) {
    facts.metrics.diskPercent = diskPercent.avg;
    if (diskPercent.avg >= 95) {
      facts.blame('device', 1, `disk at ${pct(diskPercent.avg)}`);
      healthy = false;
    }
  }
  if (wifiSignalDbm) {
    facts.metrics.wifiSignalDbm = wifiSignalDbm.avg;
    if (wifiSignalDbm.avg <= -70) {
      facts.blame('network', wifiSignalDbm.avg <= -75 ? 3 : 1.5, `Wi-Fi signal averaged ${wifiSignalDbm.avg} dBm (weakest ${wifiSignalDbm.min} dBm; below -70 dBm is weak)`);
    } else normal.push(`Wi-Fi ${wifiSignalDbm.avg} dBm`);
  } else if (wifiSignalPercent) {
    facts.metrics.wifiSignalPercent = wifiSignalPercent.avg;
    if (wifiSignalPercent.avg <= 50) {
      facts.blame('network', wifiSignalPercent.avg <= 35 ? 2.5 : 1.5, `Wi-Fi signal quality averaged ${pct(wifiSignalPercent.avg)} (weakest ${pct(wifiSignalPercent.min)})`);
    } else normal.push(`Wi-Fi signal ${pct(wifiSignalPercent.avg)}`);
  }
  if (normal.length > 0) facts.findings.push(`Device health normal for: ${normal.join(', ')}.`);
  return { healthy };
}

function eventFindings(evidence: TraceEvidence, facts: Evidence): void {
  if (evidence.events.length === 0) return;
  const byCategory = new Map<string, string[]>();
  for (const event of evidence.events) byCategory.set(event.category.toLowerCase(), [...(byCategory.get(event.category.toLowerCase()) ?? []), event.text]);
  const network = byCategory.get('network') ?? [];
  const zscaler = byCategory.get('zscaler') ?? [];
  const listed = { listed: true };
  if (network.length > 0) facts.blame('network', Math.min(1.5, 0.75 * network.length), `the network changed ${network.length === 1 ? 'once' : `${network.length} times`} during the trace (${network[0]})`, listed);
  if (zscaler.length > 0) facts.blame('zscaler', Math.min(1.5, 0.75 * zscaler.length), `Zscaler events during the trace (${zscaler[0]})`, listed);
  const hardwareSoftware = [...(byCategory.get('hardware') ?? []), ...(byCategory.get('software') ?? [])];
  if (hardwareSoftware.length > 0) facts.blame('device', Math.min(1, 0.5 * hardwareSoftware.length), `device changes during the trace (${hardwareSoftware[0]})`, listed);
  facts.findings.push(`Events: ${evidence.events.map((event) => `[${event.category}] ${event.text}`).join('; ')}.`);
}

function processFindings(evidence: TraceEvidence, facts: Evidence): string | undefined {
  if (evidence.topProcesses.length === 0) return undefined;
  const byCategory = new Map<string, string[]>();
  for (const process of evidence.topProcesses) {
    byCategory.set(process.category, [...(byCategory.get(process.category) ?? []), `${process.name} (${process.samples}/${process.ofSamples} samples)`]);
  }
  const text = [...byCategory].map(([category, names]) => `${category}: ${names.join(', ')}`).join('; ');
  facts.findings.push(`Heaviest processes: ${text}.`);
  const cpu = evidence.topProcesses.filter((process) => process.category.includes('cpu')).map((process) => process.name);
  return cpu.length > 0 ? cpu.slice(0, 2).join(', ') : undefined;
}

/** The diagnosis of one traced device. */
export function diagnoseDevice(evidence: TraceEvidence, thresholds: readonly Threshold[]): DeviceDiagnosis {
  const facts = new Evidence();
  const present = symptom(evidence, thresholds, facts);
  webTimings(evidence, facts);
  const path = pathFindings(evidence, facts);
  const health = healthFindings(evidence, facts);
  eventFindings(evidence, facts);
  const cpuHogs = processFindings(evidence, facts);
  if (evidence.missing.length > 0) facts.findings.push(`Not available: ${evidence.missing.join('; ')}.`);

  const fetch = evidence.web.pageFetchMs?.avg;
  if (present && path.clean && health.healthy && facts.total('application') < MIN_VERDICT_WEIGHT) {
    facts.blame(
      'application',
      2,
      `the network path is clean (${ms(facts.metrics.pathLatencyMs ?? 0)} end to end, no loss) and the device is healthy, yet the page fetch takes ${ms(fetch ?? 0)}`,
    );
  }

  const ranked = (['device', 'network', 'zscaler', 'application'] as const)
    .map((suspect) => ({ suspect, weight: facts.total(suspect) }))
    .sort((a, b) => b.weight - a.weight);
  const top = ranked[0]!;
  const runnerUp = ranked[1]!;
  const symptomText = symptomSuffix(facts);
  let verdict: Verdict;
  let headline: string;
  if (present === false && top.weight < 3) {
    verdict = 'unknown';
    headline = `${VERDICT_TITLE.unknown}: the problem did not reproduce during the trace${symptomText}`;
  } else if (top.weight < MIN_VERDICT_WEIGHT) {
    verdict = 'unknown';
    headline = `${VERDICT_TITLE.unknown}: no measurement points at a cause${symptomText}`;
  } else if (runnerUp.weight >= top.weight * 0.85 && runnerUp.weight >= MIN_VERDICT_WEIGHT) {
    verdict = top.suspect;
    headline = `${VERDICT_TITLE[top.suspect]} (with ${VERDICT_TITLE[runnerUp.suspect].toLowerCase()} close behind): ${facts.strongest(top.suspect)}${symptomText}`;
  } else {
    verdict = top.suspect;
    const hogs = top.suspect === 'device' && cpuHogs ? ` (top CPU: ${cpuHogs})` : '';
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
    if (run.outcome !== 'traced' || !hop || hop.ip === '*' || isPrivateIp(hop.ip) || (hop.addedLatencyMs < 30 && hop.lossPercent < 2)) continue;
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
