/**
 * Path rules: the Cloud Path from the device to the application, leg by leg (local network,
 * internet provider, Zscaler, onward to the application) and its worst hop. Loss and latency
 * implicate whoever runs the part of the path where they are.
 */
import type { TraceEvidence } from '../workflow-state.js';
import type { Finding, RuleMeta, Scored, Suspect } from './rule.js';

type Leg = TraceEvidence['legs'][number];
type Hop = NonNullable<TraceEvidence['worstHop']>;

export const LEGS_RULE = {
  id: 'path.legs',
  reads: 'the latency and loss of every Cloud Path leg',
  weighs: [],
  rationale: 'the legs side by side show a reader where along the path the time goes',
} as const satisfies RuleMeta;

export const LEG_LOSS_RULE = {
  id: 'path.leg-loss',
  reads: 'the packet loss of each leg',
  weighs: ['network', 'zscaler'],
  rationale: "lost packets are retransmitted after a timeout, so loss slows every fetch; it is the fault of whoever runs the leg",
} as const satisfies RuleMeta;

export const LEG_LATENCY_RULE = {
  id: 'path.leg-latency',
  reads: "the leg with the largest share of a slow path's latency",
  weighs: ['network', 'zscaler'],
  rationale: 'when one leg carries most of a slow path, that leg is the slow part; distance to the application is not a fault',
} as const satisfies RuleMeta;

export const WORST_HOP_RULE = {
  id: 'path.worst-hop',
  reads: 'the hop that adds the most latency or loss, and where it sits',
  weighs: ['network', 'zscaler', 'application'],
  rationale: 'a single hop adding latency or loss names the device or network at fault more precisely than any leg',
} as const satisfies RuleMeta;

/** Loss from 1% is weighed, and below it a leg counts as clean: a probe lost now and then is noise, not a fault. */
export const COUNTED_LOSS_PERCENT = 1;
/** Leg loss weighs from 1 at the threshold... */
export const LEG_LOSS_BASE_WEIGHT = 1;
/** ...plus 1 for every 3% of loss... */
export const LEG_LOSS_PERCENT_PER_WEIGHT = 3;
/** ...up to 3 (6% of loss): beyond that, more loss is no more certain a cause. */
export const LEG_LOSS_MAX_WEIGHT = 3;

/** A path from 150 ms end to end is slow enough to look for the leg that makes it so; below it, it counts as clean. */
export const SLOW_PATH_MS = 150;
/** One leg carrying 60% or more of a slow path is the slow part. */
export const HEAVY_LEG_SHARE = 0.6;
/** Just enough to name its suspect alone: latency without loss is often distance. */
export const HEAVY_LEG_WEIGHT = 1.5;

/** A hop that adds 30 ms is worth naming: local and provider hops add a few milliseconds each. */
export const NOTABLE_HOP_ADDED_MS = 30;
/** Hop loss from 2% is worth naming, and keeps the path from counting as clean. */
export const NOTABLE_HOP_LOSS_PERCENT = 2;
/** A hop adding 50 ms or more keeps the path from counting as clean (between 30 and 50 it is named but tolerated). */
export const CLEAN_PATH_HOP_ADDED_MS = 50;
/** The worst hop weighs from 1... */
export const HOP_BASE_WEIGHT = 1;
/** ...plus 1 for every 100 ms it adds... */
export const HOP_ADDED_MS_PER_WEIGHT = 100;
/** ...plus 1 for every 5% of loss... */
export const HOP_LOSS_PERCENT_PER_WEIGHT = 5;
/** ...up to 4, the heaviest single finding: a hop is the most precise location of a fault. */
export const HOP_MAX_WEIGHT = 4;

export type PathFinding =
  | Finding<'path.legs', { legs: readonly Leg[] }>
  | Finding<'path.leg-loss', { leg: string; lossPercent: number }>
  | Finding<'path.leg-latency', { leg: string; legMs: number; pathMs: number }>
  | Finding<'path.worst-hop', { hop: Hop; where: string }>;

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

/** Zscaler runs its own legs; every other leg (local, provider, onward to the application) is network. */
function legSuspect(leg: Leg): Suspect {
  return leg.kind === 'zscaler' ? 'zscaler' : 'network';
}

/** What the path says; `clean` is undefined without a Cloud Path. */
export function path(evidence: TraceEvidence): Scored<PathFinding> & { clean: boolean | undefined } {
  const { legs, worstHop: hop } = evidence;
  if (legs.length === 0) return { findings: [], metrics: {}, clean: undefined };
  const total = legs.map((leg) => leg.latencyMs ?? 0).reduce((sum, value) => sum + value, 0);
  const maxLoss = Math.max(0, ...legs.map((leg) => leg.lossPercent ?? 0));
  const metrics: Record<string, number> = { pathLatencyMs: Math.round(total), maxLegLossPercent: maxLoss };
  const findings: PathFinding[] = [{ rule: LEGS_RULE.id, facts: { legs } }];
  for (const leg of legs) {
    const loss = leg.lossPercent ?? 0;
    if (loss >= COUNTED_LOSS_PERCENT) {
      const weight = Math.min(LEG_LOSS_MAX_WEIGHT, LEG_LOSS_BASE_WEIGHT + loss / LEG_LOSS_PERCENT_PER_WEIGHT);
      findings.push({ rule: LEG_LOSS_RULE.id, facts: { leg: leg.name, lossPercent: loss }, blame: { suspect: legSuspect(leg), weight } });
    }
  }
  const heaviest = legs.reduce((worst, leg) => ((leg.latencyMs ?? 0) > (worst.latencyMs ?? 0) ? leg : worst));
  const heaviestMs = heaviest.latencyMs ?? 0;
  if (total >= SLOW_PATH_MS && heaviestMs >= HEAVY_LEG_SHARE * total && heaviest.kind !== 'to_app' && heaviest.kind !== 'direct') {
    findings.push({ rule: LEG_LATENCY_RULE.id, facts: { leg: heaviest.name, legMs: heaviestMs, pathMs: total }, blame: { suspect: legSuspect(heaviest), weight: HEAVY_LEG_WEIGHT } });
  }
  if (hop && (hop.addedLatencyMs >= NOTABLE_HOP_ADDED_MS || hop.lossPercent >= NOTABLE_HOP_LOSS_PERCENT)) {
    const role = hopRole(hop);
    metrics.worstHopAddedMs = hop.addedLatencyMs;
    metrics.worstHopLossPercent = hop.lossPercent;
    const weight = Math.min(HOP_MAX_WEIGHT, HOP_BASE_WEIGHT + hop.addedLatencyMs / HOP_ADDED_MS_PER_WEIGHT + hop.lossPercent / HOP_LOSS_PERCENT_PER_WEIGHT);
    findings.push({ rule: WORST_HOP_RULE.id, facts: { hop, where: role.where }, blame: { suspect: role.suspect, weight } });
  }
  const clean = maxLoss < COUNTED_LOSS_PERCENT && total < SLOW_PATH_MS && !(hop && (hop.addedLatencyMs >= CLEAN_PATH_HOP_ADDED_MS || hop.lossPercent >= NOTABLE_HOP_LOSS_PERCENT));
  return { findings, metrics, clean };
}
