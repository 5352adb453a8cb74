/**
 * Symptom rules: did the alert's symptom show during the trace? They weigh no suspect; a symptom
 * that did not reproduce keeps a weak verdict inconclusive, and a reproduced one over a clean path
 * from a healthy device points at the application (elimination.ts).
 */
import type { Threshold } from '../criteria.js';
import type { TraceEvidence } from '../workflow-state.js';
import type { Finding, RuleMeta, Scored } from './rule.js';

export const PAGE_FETCH_RULE = {
  id: 'symptom.page-fetch',
  reads: "the page fetch time, against the alert's page-fetch threshold",
  weighs: [],
  rationale: 'the page fetch is what the user waits for, and what most ZDX web alerts watch',
} as const satisfies RuleMeta;

export const ALERT_THRESHOLD_RULE = {
  id: 'symptom.alert-threshold',
  reads: "the DNS and server response times, against the alert's thresholds for them",
  weighs: [],
  rationale: 'an alert on DNS or server response time reproduces when that time crosses its threshold again',
} as const satisfies RuleMeta;

export const AVAILABILITY_RULE = {
  id: 'symptom.availability',
  reads: 'the web probe availability',
  weighs: [],
  rationale: 'a failed fetch is the symptom at its worst, whatever the timings',
} as const satisfies RuleMeta;

/** Without a page-fetch threshold in the alert, an average over 3 s is slow: about where users start to call a page slow. */
export const DEFAULT_SLOW_PAGE_FETCH_MS = 3_000;
/** Availability below 100% means at least one fetch failed during the trace. */
export const FULL_AVAILABILITY_PERCENT = 100;

export type SymptomFinding =
  | Finding<'symptom.page-fetch', { avgMs: number; maxMs: number; threshold?: { ms: number; crossed: 'average' | 'peaks' | 'never' } }>
  | Finding<'symptom.alert-threshold', { metric: string; measuredMs: number; thresholdMs: number }>
  | Finding<'symptom.availability', { minPercent: number }>;

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

/** What the trace measured of the symptom; `present` is undefined when nothing measured it. */
export function symptom(evidence: TraceEvidence, thresholds: readonly Threshold[]): Scored<SymptomFinding> & { present: boolean | undefined } {
  const { pageFetchMs: pft, dnsMs, serverResponseMs, availabilityPercent } = evidence.web;
  const findings: SymptomFinding[] = [];
  const metrics: Record<string, number> = {};
  const threshold = thresholds.find((candidate) => candidate.kind === 'page_fetch_time');
  let present: boolean | undefined;
  if (pft) {
    metrics.pageFetchMs = pft.avg;
    metrics.pageFetchMaxMs = pft.max;
    if (threshold) {
      metrics.thresholdMs = threshold.value;
      const average = exceeds(pft.avg, threshold);
      present = average || exceeds(pft.max, threshold);
      const crossed = average ? 'average' : present ? 'peaks' : 'never';
      findings.push({ rule: PAGE_FETCH_RULE.id, facts: { avgMs: pft.avg, maxMs: pft.max, threshold: { ms: threshold.value, crossed } } });
    } else {
      present = pft.avg > DEFAULT_SLOW_PAGE_FETCH_MS;
      findings.push({ rule: PAGE_FETCH_RULE.id, facts: { avgMs: pft.avg, maxMs: pft.max } });
    }
  }
  for (const other of thresholds) {
    const measured = other.kind === 'dns_time' ? dnsMs?.avg : other.kind === 'server_response_time' ? serverResponseMs?.avg : undefined;
    if (measured === undefined) continue;
    present = (present ?? false) || exceeds(measured, other);
    findings.push({ rule: ALERT_THRESHOLD_RULE.id, facts: { metric: other.metric, measuredMs: measured, thresholdMs: other.value } });
  }
  if (availabilityPercent && availabilityPercent.min < FULL_AVAILABILITY_PERCENT) {
    metrics.availabilityPercent = availabilityPercent.avg;
    findings.push({ rule: AVAILABILITY_RULE.id, facts: { minPercent: availabilityPercent.min } });
    present = true;
  }
  return { findings, metrics, present };
}
