/**
 * Decides which requests get a fault: first the one-shot rules ("the next N requests matching
 * this path get fault X", in the order added), then the seeded random rate. Paths matching
 * `faults.excludePaths` never get one.
 */
import type { FaultKind, SimulatedApi, SimulatorConfig } from './config.js';
import { FAULT_KINDS } from './config.js';
import { Rng } from './random.js';

/**
 * Response header of a request that got the `crash-after-side-effect` fault. The simulator answers
 * such a request normally (its side effect is real) and names the fault here; the local state
 * machine runner reads it and fails the task's invocation after the handler returns, as a Lambda
 * timeout would (see local/sandbox/state-machine-runner.ts). Any other client ignores it.
 */
export const SIMULATED_CRASH_HEADER = 'x-simulator-fault';

/** A deterministic fault for the next `count` matching requests. */
export interface OneShotFault {
  kind: FaultKind;
  /** Regular expression (or its source) tested against the path without query string. */
  path: RegExp | string;
  /** How many matching requests get it (default 1). */
  count?: number;
  api?: SimulatedApi;
  method?: string;
}

interface PendingRule {
  readonly kind: FaultKind;
  readonly path: RegExp;
  remaining: number;
  readonly api: SimulatedApi | undefined;
  readonly method: string | undefined;
}

/** Per-simulator fault decisions: queued one-shot rules plus a seeded random rate. */
export class FaultPlan {
  private readonly rules: PendingRule[] = [];
  private rng: Rng;
  private rngSeed: number;

  constructor(private readonly config: SimulatorConfig) {
    this.rngSeed = config.faults.seed;
    this.rng = new Rng('faults', this.rngSeed);
  }

  /** Queues a one-shot fault. */
  inject(rule: OneShotFault): void {
    if (!(FAULT_KINDS as readonly string[]).includes(rule.kind)) throw new Error(`Unknown fault kind "${rule.kind}"`);
    const count = rule.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new Error(`Fault count must be a positive integer (got ${count})`);
    this.rules.push({
      kind: rule.kind,
      path: typeof rule.path === 'string' ? new RegExp(rule.path) : rule.path,
      remaining: count,
      api: rule.api,
      method: rule.method?.toUpperCase(),
    });
  }

  /** Number of one-shot faults still to fire. */
  pending(): number {
    return this.rules.reduce((sum, rule) => sum + rule.remaining, 0);
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** The fault for this request, if any. Consumes one-shot rules and random draws. */
  decide(api: SimulatedApi, method: string, path: string): FaultKind | undefined {
    const faults = this.config.faults;
    if (faults.excludePaths.some((source) => new RegExp(source).test(path))) return undefined;
    const rule = this.rules.find(
      (r) => r.remaining > 0 && (!r.api || r.api === api) && (!r.method || r.method === method) && r.path.test(path),
    );
    if (rule) {
      rule.remaining -= 1;
      if (rule.remaining === 0) this.rules.splice(this.rules.indexOf(rule), 1);
      return rule.kind;
    }
    if (faults.rate <= 0 || faults.kinds.length === 0 || !faults.apis.includes(api)) return undefined;
    if (faults.seed !== this.rngSeed) {
      this.rngSeed = faults.seed;
      this.rng = new Rng('faults', this.rngSeed);
    }
    if (!this.rng.chance(faults.rate)) return undefined;
    return this.rng.pick(faults.kinds);
  }
}

/** Turns a real response body into a structurally wrong one (same JSON, first field's type changed). */
export function wrongShape(body: unknown): unknown {
  if (Array.isArray(body)) return { items: body };
  if (typeof body === 'object' && body !== null) {
    const entries = Object.entries(body);
    const first = entries[0];
    if (!first) return [];
    const [key, value] = first;
    const changed = typeof value === 'string' ? 42 : typeof value === 'number' ? String(value) : value === null ? 42 : 'unexpected';
    return Object.fromEntries([[key, changed], ...entries.slice(1)]);
  }
  return { unexpected: body ?? null };
}
