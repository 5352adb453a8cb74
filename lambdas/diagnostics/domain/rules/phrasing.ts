/**
 * The diagnosis in words: every sentence a rule's finding becomes is written here, from the
 * finding's facts. A finding that blames a suspect has a reason, a clause that can follow
 * "Network: " in a headline; its line among the device's findings is that reason as a sentence
 * unless another line already says it.
 */
import type { EliminationFinding } from './elimination.js';
import type { EventFinding } from './events.js';
import { WIFI_WEAK_DBM, type HealthFinding } from './health.js';
import { COUNTED_LOSS_PERCENT, type PathFinding } from './path.js';
import type { ProcessFinding } from './processes.js';
import type { SymptomFinding } from './symptom.js';
import type { WebTimingFinding } from './web-timings.js';

export type RuleFinding = SymptomFinding | WebTimingFinding | PathFinding | HealthFinding | EventFinding | ProcessFinding | EliminationFinding;

/** `4980.4` -> `4,980`. */
export function formatNumber(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function ms(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${formatNumber(value)} ms`;
}

function pct(value: number): string {
  return `${Math.round(value * 10) / 10}%`;
}

/** A finding in words: `reason` for the headline, `line` for the device's findings (absent when another line says it). */
export interface Phrase {
  readonly reason: string;
  readonly line?: string;
}

/** A finding that is a whole sentence. */
function note(line: string): Phrase {
  return { reason: line, line };
}

/** A blame, listed as its reason made a sentence. */
function blame(reason: string): Phrase {
  return { reason, line: `${reason.charAt(0).toUpperCase()}${reason.slice(1)}.` };
}

export function phrase(finding: RuleFinding): Phrase {
  switch (finding.rule) {
    case 'symptom.page-fetch': {
      const { avgMs, maxMs, threshold } = finding.facts;
      const averaged = `Page fetch averaged ${ms(avgMs)} (max ${ms(maxMs)})`;
      if (!threshold) return note(`${averaged}.`);
      if (threshold.crossed === 'average') return note(`${averaged} against the alert's ${ms(threshold.ms)} threshold.`);
      const peaks = threshold.crossed === 'peaks';
      return note(`${averaged}, ${peaks ? 'crossing' : 'under'} the alert's ${ms(threshold.ms)} threshold ${peaks ? 'only at peaks' : 'during the whole trace'}.`);
    }
    case 'symptom.alert-threshold':
      return note(`${finding.facts.metric} measured ${ms(finding.facts.measuredMs)} against the alert's ${ms(finding.facts.thresholdMs)} threshold.`);
    case 'symptom.availability':
      return note(`Availability dropped to ${pct(finding.facts.minPercent)} during the trace.`);
    case 'web.breakdown': {
      const { dnsMs, tcpMs, sslMs, serverResponseMs } = finding.facts;
      const parts: string[] = [];
      if (dnsMs !== undefined) parts.push(`DNS ${ms(dnsMs)}`);
      if (tcpMs !== undefined) parts.push(`TCP connect ${ms(tcpMs)}`);
      if (sslMs !== undefined) parts.push(`TLS handshake ${ms(sslMs)}`);
      if (serverResponseMs !== undefined) parts.push(`server response ${ms(serverResponseMs)}`);
      return note(`Timing breakdown (averages): ${parts.join(', ')}.`);
    }
    case 'web.dns':
      return blame(`DNS resolution takes ${ms(finding.facts.dnsMs)}: check the resolver the device uses`);
    case 'web.tcp':
      return blame(`TCP connect takes ${ms(finding.facts.tcpMs)}, a slow or lossy path`);
    case 'web.tls':
      return blame(`the TLS handshake takes ${ms(finding.facts.sslMs)} while the TCP connect takes ${ms(finding.facts.tcpMs)}: the server (or TLS inspection) is slow to handshake`);
    case 'web.server': {
      const { serverResponseMs, shareOfFetch } = finding.facts;
      const share = shareOfFetch !== undefined ? ` (${Math.round(Math.min(shareOfFetch, 1) * 100)}% of the page fetch)` : '';
      return blame(`the server takes ${ms(serverResponseMs)} to answer${share}`);
    }
    case 'path.legs': {
      const legs = finding.facts.legs.map((leg) => `${leg.name} ${leg.latencyMs !== undefined ? ms(leg.latencyMs) : 'n/a'}${leg.lossPercent ? `, ${pct(leg.lossPercent)} loss` : ''}`);
      return note(`Cloud path: ${legs.join('; ')}.`);
    }
    case 'path.leg-loss':
      return blame(`${pct(finding.facts.lossPercent)} packet loss on ${finding.facts.leg}`);
    case 'path.leg-latency': {
      const { leg, legMs, pathMs } = finding.facts;
      return blame(`${Math.round((legMs / pathMs) * 100)}% of the path latency (${ms(legMs)} of ${ms(pathMs)}) is on ${leg}`);
    }
    case 'path.worst-hop': {
      const { hop, where } = finding.facts;
      const loss = hop.lossPercent >= COUNTED_LOSS_PERCENT ? ` with ${pct(hop.lossPercent)} loss` : '';
      const reason = `hop ${hop.index} (${hop.ip}) on ${hop.leg} adds ${ms(hop.addedLatencyMs)}${loss}: ${where}`;
      return { reason, line: `Worst hop: ${reason}.` };
    }
    case 'health.cpu':
      return blame(`CPU averaged ${pct(finding.facts.avgPercent)} (peak ${pct(finding.facts.peakPercent)})`);
    case 'health.memory':
      return blame(`memory use averaged ${pct(finding.facts.avgPercent)} (peak ${pct(finding.facts.peakPercent)})`);
    case 'health.disk':
      return blame(`disk at ${pct(finding.facts.avgPercent)}`);
    case 'health.wifi-signal':
      return blame(`Wi-Fi signal averaged ${finding.facts.avgDbm} dBm (weakest ${finding.facts.weakestDbm} dBm; below ${WIFI_WEAK_DBM} dBm is weak)`);
    case 'health.wifi-quality':
      return blame(`Wi-Fi signal quality averaged ${pct(finding.facts.avgPercent)} (weakest ${pct(finding.facts.weakestPercent)})`);
    case 'health.normal': {
      const { cpuPercent, memoryPercent, wifiSignalDbm, wifiSignalPercent } = finding.facts;
      const parts: string[] = [];
      if (cpuPercent !== undefined) parts.push(`CPU ${pct(cpuPercent)}`);
      if (memoryPercent !== undefined) parts.push(`memory ${pct(memoryPercent)}`);
      if (wifiSignalDbm !== undefined) parts.push(`Wi-Fi ${wifiSignalDbm} dBm`);
      if (wifiSignalPercent !== undefined) parts.push(`Wi-Fi signal ${pct(wifiSignalPercent)}`);
      return note(`Device health normal for: ${parts.join(', ')}.`);
    }
    // The events line lists every event, so the blames of events are not listed again.
    case 'events.network': {
      const { count, first } = finding.facts;
      return { reason: `the network changed ${count === 1 ? 'once' : `${count} times`} during the trace (${first})` };
    }
    case 'events.zscaler':
      return { reason: `Zscaler events during the trace (${finding.facts.first})` };
    case 'events.device':
      return { reason: `device changes during the trace (${finding.facts.first})` };
    case 'events.list':
      return note(`Events: ${finding.facts.events.map((event) => `[${event.category}] ${event.text}`).join('; ')}.`);
    case 'processes.top': {
      const byCategory = new Map<string, string[]>();
      for (const process of finding.facts.processes) {
        byCategory.set(process.category, [...(byCategory.get(process.category) ?? []), `${process.name} (${process.samples}/${process.ofSamples} samples)`]);
      }
      return note(`Heaviest processes: ${[...byCategory].map(([category, names]) => `${category}: ${names.join(', ')}`).join('; ')}.`);
    }
    case 'elimination.application': {
      const { pathLatencyMs, pageFetchMs } = finding.facts;
      return blame(`the network path is clean (${ms(pathLatencyMs)} end to end, no loss) and the device is healthy, yet the page fetch takes ${ms(pageFetchMs)}`);
    }
  }
}
