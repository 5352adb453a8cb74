/**
 * Web timing rules: where the page fetch spends its time. DNS and the TCP connect are the network's
 * part; the TLS handshake and the server's response are the application's.
 */
import type { TraceEvidence } from '../workflow-state.js';
import type { Finding, RuleMeta, Scored } from './rule.js';

export const BREAKDOWN_RULE = {
  id: 'web.breakdown',
  reads: 'the average DNS, TCP connect, TLS handshake and server response times',
  weighs: [],
  rationale: 'the split of the page fetch shows a reader where the time goes, even when no part is slow',
} as const satisfies RuleMeta;

export const DNS_RULE = {
  id: 'web.dns',
  reads: 'the average DNS resolution time, and its share of the page fetch',
  weighs: ['network'],
  rationale: 'a slow resolver delays every new connection before it starts, whatever the application',
} as const satisfies RuleMeta;

export const TCP_RULE = {
  id: 'web.tcp',
  reads: 'the average TCP connect time',
  weighs: ['network'],
  rationale: 'a TCP connect is one round trip, so a slow one is a long, congested or lossy path',
} as const satisfies RuleMeta;

export const TLS_RULE = {
  id: 'web.tls',
  reads: 'the average TLS handshake time, against the TCP connect time',
  weighs: ['application'],
  rationale: 'a handshake far slower than the round trip is the server (or TLS inspection) computing, not the path',
} as const satisfies RuleMeta;

export const SERVER_RULE = {
  id: 'web.server',
  reads: 'the average server response time, and its share of the page fetch',
  weighs: ['application'],
  rationale: "the time to the first byte after the request is the server's own work",
} as const satisfies RuleMeta;

/** A nearby resolver answers in tens of milliseconds; 300 ms is a distant, overloaded or retrying one. */
export const DNS_SLOW_MS = 300;
/** Below 100 ms DNS is not blamed, however small the page fetch it is a share of. */
export const DNS_NOTICEABLE_MS = 100;
/** DNS taking 30% of the page fetch or more is where the time goes, even when the page is fast. */
export const DNS_SHARE_OF_FETCH = 0.3;
/** From 800 ms the resolver is timing out and retrying: that alone makes a page slow. */
export const DNS_VERY_SLOW_MS = 800;
/** Over MIN_VERDICT_WEIGHT: slow DNS names the network on its own. */
export const DNS_SLOW_WEIGHT = 2;
/** A resolver this slow explains a slow page by itself. */
export const DNS_VERY_SLOW_WEIGHT = 3;

/** Longer than any continental round trip: the path is long, congested or dropping SYNs. */
export const TCP_SLOW_MS = 300;
/** Just enough to name the network alone: a slow connect can also be a far-away server. */
export const TCP_WEIGHT = 1.5;

/** A handshake under half a second is not worth blaming, whatever its ratio to the connect. */
export const TLS_SLOW_MS = 500;
/** A handshake costs one or two round trips more than the connect; three connects or more is computation. */
export const TLS_TO_TCP_RATIO = 3;
/** Weak: the handshake is paid once per connection, and TLS inspection on the way can cause it too. */
export const TLS_WEIGHT = 1;

/** A server that takes a second to answer is slow whatever the page. */
export const SERVER_SLOW_MS = 1_000;
/** From this much, a server response that is a large share of the page fetch is blamed though under a second. */
export const SERVER_SHARE_MIN_MS = 300;
/** Half the page fetch or more spent waiting on the server makes it the main cost. */
export const SERVER_SHARE_OF_FETCH = 0.5;
/** From 2 s the server alone is a slow page. */
export const SERVER_VERY_SLOW_MS = 2_000;
/** 60% of the page fetch or more on the server leaves little for anything else to explain. */
export const SERVER_DOMINANT_SHARE = 0.6;
/** Measured directly at the server, so it outweighs a slow connect or a weak Wi-Fi. */
export const SERVER_SLOW_WEIGHT = 2.5;
/** Outweighs every single network measurement but the worst hop at its cap. */
export const SERVER_DOMINANT_WEIGHT = 3.5;

export type WebTimingFinding =
  | Finding<'web.breakdown', { dnsMs?: number; tcpMs?: number; sslMs?: number; serverResponseMs?: number }>
  | Finding<'web.dns', { dnsMs: number }>
  | Finding<'web.tcp', { tcpMs: number }>
  | Finding<'web.tls', { sslMs: number; tcpMs: number }>
  | Finding<'web.server', { serverResponseMs: number; shareOfFetch?: number }>;

export function webTimings(evidence: TraceEvidence): Scored<WebTimingFinding> {
  const { dnsMs, tcpMs, sslMs, serverResponseMs, pageFetchMs } = evidence.web;
  const findings: WebTimingFinding[] = [];
  const metrics: Record<string, number> = {};
  if (dnsMs || tcpMs || sslMs || serverResponseMs) {
    findings.push({ rule: BREAKDOWN_RULE.id, facts: { dnsMs: dnsMs?.avg, tcpMs: tcpMs?.avg, sslMs: sslMs?.avg, serverResponseMs: serverResponseMs?.avg } });
  }
  const fetch = pageFetchMs?.avg;
  if (dnsMs) {
    metrics.dnsMs = dnsMs.avg;
    if (dnsMs.avg >= DNS_SLOW_MS || (fetch !== undefined && dnsMs.avg >= DNS_NOTICEABLE_MS && dnsMs.avg >= DNS_SHARE_OF_FETCH * fetch)) {
      const weight = dnsMs.avg >= DNS_VERY_SLOW_MS ? DNS_VERY_SLOW_WEIGHT : DNS_SLOW_WEIGHT;
      findings.push({ rule: DNS_RULE.id, facts: { dnsMs: dnsMs.avg }, blame: { suspect: 'network', weight } });
    }
  }
  if (tcpMs) {
    metrics.tcpMs = tcpMs.avg;
    if (tcpMs.avg >= TCP_SLOW_MS) findings.push({ rule: TCP_RULE.id, facts: { tcpMs: tcpMs.avg }, blame: { suspect: 'network', weight: TCP_WEIGHT } });
  }
  if (sslMs) {
    metrics.sslMs = sslMs.avg;
    if (sslMs.avg >= TLS_SLOW_MS && sslMs.avg >= TLS_TO_TCP_RATIO * (tcpMs?.avg ?? 0)) {
      findings.push({ rule: TLS_RULE.id, facts: { sslMs: sslMs.avg, tcpMs: tcpMs?.avg ?? 0 }, blame: { suspect: 'application', weight: TLS_WEIGHT } });
    }
  }
  if (serverResponseMs) {
    metrics.serverResponseMs = serverResponseMs.avg;
    const share = fetch ? serverResponseMs.avg / fetch : undefined;
    if (serverResponseMs.avg >= SERVER_SLOW_MS || (share !== undefined && share >= SERVER_SHARE_OF_FETCH && serverResponseMs.avg >= SERVER_SHARE_MIN_MS)) {
      const weight = serverResponseMs.avg >= SERVER_VERY_SLOW_MS || (share ?? 0) >= SERVER_DOMINANT_SHARE ? SERVER_DOMINANT_WEIGHT : SERVER_SLOW_WEIGHT;
      findings.push({ rule: SERVER_RULE.id, facts: { serverResponseMs: serverResponseMs.avg, shareOfFetch: share }, blame: { suspect: 'application', weight } });
    }
  }
  return { findings, metrics };
}
