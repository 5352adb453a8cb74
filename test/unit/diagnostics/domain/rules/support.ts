/** Evidence builders for the rule tests: an empty trace, with only what a test sets. */
import type { Scored } from '../../../../../lambdas/diagnostics/domain/rules/rule.js';
import type { TraceEvidence } from '../../../../../lambdas/diagnostics/domain/workflow-state.js';

export function stats(avg: number, max = avg, min = avg) {
  return { avg, max, min, samples: 5 };
}

export function evidence(overrides: Partial<TraceEvidence> = {}): TraceEvidence {
  return { web: {}, legs: [], health: {}, events: [], topProcesses: [], missing: [], ...overrides };
}

/** The blames of a rule family's findings as `[rule, suspect, weight]`. */
export function blames(scored: Scored<{ rule: string; blame?: { suspect: string; weight: number } }>): Array<[string, string, number]> {
  return scored.findings.flatMap((finding) => (finding.blame ? [[finding.rule, finding.blame.suspect, finding.blame.weight] as [string, string, number]] : []));
}
