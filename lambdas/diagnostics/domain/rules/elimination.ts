/**
 * Elimination rule: healthy measurements count too. When the symptom showed, the path is clean and
 * the device is healthy, and no measurement already names the application, the slow page points
 * at the application by elimination.
 */
import type { Finding, RuleMeta } from './rule.js';

export const ELIMINATION_RULE = {
  id: 'elimination.application',
  reads: 'the symptom, the path and device health together',
  weighs: ['application'],
  rationale: 'a slow page over a clean path from a healthy device leaves the application (or what serves it)',
} as const satisfies RuleMeta;

/** Over MIN_VERDICT_WEIGHT, so elimination names the application, yet below any strong direct measurement. */
export const ELIMINATION_WEIGHT = 2;

export type EliminationFinding = Finding<'elimination.application', { pathLatencyMs: number; pageFetchMs: number }>;

export interface EliminationInput {
  readonly present: boolean | undefined;
  readonly clean: boolean | undefined;
  readonly healthy: boolean | undefined;
  /** No measurement weighs on the application enough to name it already. */
  readonly applicationUnexplained: boolean;
  readonly pathLatencyMs: number | undefined;
  readonly pageFetchMs: number | undefined;
}

export function byElimination(input: EliminationInput): EliminationFinding | undefined {
  if (!(input.present && input.clean && input.healthy && input.applicationUnexplained)) return undefined;
  return {
    rule: ELIMINATION_RULE.id,
    facts: { pathLatencyMs: input.pathLatencyMs ?? 0, pageFetchMs: input.pageFetchMs ?? 0 },
    blame: { suspect: 'application', weight: ELIMINATION_WEIGHT },
  };
}
