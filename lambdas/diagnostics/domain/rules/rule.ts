/**
 * What every diagnosis rule shares. A rule reads one part of a device's trace evidence and hands
 * back findings: facts as numbers, each adding weight to one suspect or to none. A rule writes no
 * English (phrasing.ts says every finding in words) and does not decide the verdict (diagnose.ts
 * sums the weights).
 */
import type { Verdict } from '../../../notify/results.js';

/** Whom evidence can point at. */
export type Suspect = Exclude<Verdict, 'unknown'>;

export interface RuleMeta {
  /** Stable id, the `rule` of every finding the rule produces. */
  readonly id: string;
  /** The evidence it looks at. */
  readonly reads: string;
  /** The suspects it can add weight to; none for a rule that only reports a measurement. */
  readonly weighs: readonly Suspect[];
  readonly rationale: string;
}

/** One thing a rule found, and the weight it adds to a suspect when it implicates one. */
export interface Finding<Rule extends string, Facts> {
  readonly rule: Rule;
  readonly facts: Facts;
  readonly blame?: { readonly suspect: Suspect; readonly weight: number };
}

/** A rule family's output: its findings in the order they are listed, and the metrics it records. */
export interface Scored<F> {
  readonly findings: F[];
  readonly metrics: Record<string, number>;
}
