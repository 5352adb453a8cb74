/**
 * Reduces a deep trace's six result endpoints (zdx-api.md §2.7) to compact evidence.
 *
 * The client's schemas have already settled how the SDKs disagree on the bodies (bare arrays vs one
 * wrapping object, `events` vs `instances`); what is left is read tolerantly here: a series whose name
 * we do not recognise is ignored, `-1` (ZDX's "no data") is skipped, and seconds are converted to
 * milliseconds. Pure functions: no I/O.
 */
import type {
  CloudPathMetric,
  CloudPathSample,
  DeviceEventGroup,
  HealthMetricCategory,
  TopProcessesSample,
  WebProbeMetric,
} from '../../zscaler/zdx/schemas.js';
import type { TraceEvidence } from './workflow-state.js';

/** The six result bodies as the client returned them; an endpoint that could not be read is absent. */
export interface TraceResults {
  webProbeMetrics?: readonly WebProbeMetric[] | undefined;
  cloudPathMetrics?: readonly CloudPathMetric[] | undefined;
  cloudPath?: readonly CloudPathSample[] | undefined;
  healthMetrics?: readonly HealthMetricCategory[] | undefined;
  events?: readonly DeviceEventGroup[] | undefined;
  topProcesses?: readonly TopProcessesSample[] | undefined;
}

type SeriesStats = { avg: number; max: number; min: number; samples: number };
type LegKind = TraceEvidence['legs'][number]['kind'];
type HopEvidence = NonNullable<TraceEvidence['worstHop']>;
/** One metric series: the shape every result endpoint uses for its values. */
type Series = WebProbeMetric;

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Statistics of the valid values (ZDX uses -1 for "no data"). */
export function statsOf(values: readonly number[]): SeriesStats | undefined {
  const valid = values.filter((value) => Number.isFinite(value) && value >= 0);
  if (valid.length === 0) return undefined;
  const sum = valid.reduce((total, value) => total + value, 0);
  return { avg: round(sum / valid.length), max: round(Math.max(...valid)), min: round(Math.min(...valid)), samples: valid.length };
}

function signedStats(values: readonly number[]): SeriesStats | undefined {
  const valid = values.filter((value) => Number.isFinite(value) && value !== -1);
  if (valid.length === 0) return undefined;
  const sum = valid.reduce((total, value) => total + value, 0);
  return { avg: round(sum / valid.length), max: round(Math.max(...valid)), min: round(Math.min(...valid)), samples: valid.length };
}

/** Milliseconds factor for a duration unit; 1 when the unit is ms or unknown. */
function msFactor(unit: string | null | undefined): number {
  const normalized = (unit ?? '').trim().toLowerCase();
  if (['s', 'sec', 'secs', 'second', 'seconds'].includes(normalized)) return 1000;
  if (['us', 'µs', 'microseconds'].includes(normalized)) return 0.001;
  return 1;
}

function seriesValues(series: Series): number[] {
  return series.datapoints.map((point) => point.value).filter((value): value is number => typeof value === 'number');
}

function seriesName(series: Series): string {
  return series.metric.toLowerCase().replace(/[_\-.]+/g, ' ').trim();
}

const WEB_METRICS: ReadonlyArray<[keyof TraceEvidence['web'], RegExp]> = [
  ['pageFetchMs', /page ?fetch|\bpft\b/],
  ['dnsMs', /\bdns\b/],
  ['sslMs', /\bssl\b|\btls\b|handshake/],
  ['tcpMs', /\btcp\b|connect/],
  ['serverResponseMs', /server ?response|\bttfb\b|first byte|\bsrt\b|response time/],
  ['availabilityPercent', /avail/],
];

function webEvidence(metrics: readonly WebProbeMetric[]): TraceEvidence['web'] {
  const web: TraceEvidence['web'] = {};
  for (const series of metrics) {
    const name = seriesName(series);
    const match = WEB_METRICS.find(([, pattern]) => pattern.test(name));
    if (!match || web[match[0]] !== undefined) continue;
    const factor = match[0] === 'availabilityPercent' ? 1 : msFactor(series.unit);
    const stats = statsOf(seriesValues(series).map((value) => value * factor));
    if (stats) web[match[0]] = stats;
  }
  return web;
}

const ZSCALER_NAME = /zscaler|\bzen\b|\bzia\b|\bzpa\b|service ?edge|\bpse\b|\bzs\d|broker|app ?connector|gateway\.zscaler/i;
const CLIENT_NAME = /client|device|laptop|desktop|endpoint|workstation|\buser\b/i;
const EGRESS_NAME = /egress|isp\b|\bwan\b|public ip/i;

/**
 * What part of the path a leg covers, from its end-point names and its position: the first leg
 * (client to egress) is the local network, legs into Zscaler are the ISP path, legs out of Zscaler
 * lead to the application, and without Zscaler in the path the later legs go direct.
 */
export function classifyLeg(src: string, dst: string, position: { index: number; count: number; zscalerIndex: number }): LegKind {
  const srcZscaler = ZSCALER_NAME.test(src);
  const dstZscaler = ZSCALER_NAME.test(dst);
  if (srcZscaler && dstZscaler) return 'zscaler';
  if (srcZscaler) return 'to_app';
  if (dstZscaler) return 'to_zscaler';
  if (position.index === 0) return position.count > 1 || EGRESS_NAME.test(dst) || CLIENT_NAME.test(src) ? 'local' : 'direct';
  if (position.zscalerIndex === -1) return 'direct';
  return position.index < position.zscalerIndex ? 'isp' : 'to_app';
}

interface LegAccumulator {
  name: string;
  src: string;
  dst: string;
  order: number;
  latencies: number[];
  losses: number[];
  hops: number[];
  unresponsive: number[];
  tunnel?: string;
  hopStats: Map<number, { ip: string; added: number[]; loss: number[] }>;
}

function legName(src: string | null | undefined, dst: string | null | undefined): string {
  return `${src || '?'} → ${dst || '?'}`;
}

function pathEvidence(samples: readonly CloudPathSample[], metrics: readonly CloudPathMetric[]): Pick<TraceEvidence, 'legs' | 'worstHop'> {
  const legs = new Map<string, LegAccumulator>();
  const legFor = (src: string | null | undefined, dst: string | null | undefined): LegAccumulator => {
    const name = legName(src, dst);
    let leg = legs.get(name);
    if (!leg) {
      leg = { name, src: src ?? '', dst: dst ?? '', order: legs.size, latencies: [], losses: [], hops: [], unresponsive: [], hopStats: new Map() };
      legs.set(name, leg);
    }
    return leg;
  };

  for (const snapshot of samples) {
    // Hop latencies are round trips from where the leg's trace starts: cumulative along the path,
    // or restarting at zero where a leg is traced from Zscaler. Added latency is the step up.
    let previousAvg = 0;
    for (const segment of snapshot.cloudpath) {
      const leg = legFor(segment.src, segment.dst);
      if (typeof segment.latency === 'number' && segment.latency >= 0) leg.latencies.push(segment.latency);
      if (typeof segment.loss === 'number' && segment.loss >= 0) leg.losses.push(segment.loss);
      if (typeof segment.numHops === 'number' && segment.numHops >= 0) leg.hops.push(segment.numHops);
      if (typeof segment.numUnrespHops === 'number' && segment.numUnrespHops >= 0) leg.unresponsive.push(segment.numUnrespHops);
      if (segment.tunnelType && segment.tunnelType !== 'none') leg.tunnel = segment.tunnelType;
      segment.hops.forEach((hop, index) => {
        const entry = leg.hopStats.get(index) ?? { ip: '*', added: [], loss: [] };
        // A hop that answers no probe is a router that ignores them, not a lossy one.
        const responsive = hop.ip !== undefined && hop.ip !== null && hop.ip !== '' && hop.ip !== '*' && (hop.pktRcvd ?? 1) > 0;
        if (!responsive) {
          leg.hopStats.set(index, entry);
          return;
        }
        entry.ip = hop.ip!;
        const avg = typeof hop.latencyAvg === 'number' && hop.latencyAvg > 0 ? hop.latencyAvg : undefined;
        if (avg !== undefined) {
          entry.added.push(avg >= previousAvg ? avg - previousAvg : avg);
          previousAvg = avg;
        } else if (typeof hop.latencyDiff === 'number' && hop.latencyDiff >= 0) {
          entry.added.push(hop.latencyDiff);
        }
        if (typeof hop.pktSent === 'number' && hop.pktSent > 0 && typeof hop.pktRcvd === 'number') {
          entry.loss.push(Math.max(0, Math.min(100, ((hop.pktSent - hop.pktRcvd) / hop.pktSent) * 100)));
        }
        leg.hopStats.set(index, entry);
      });
    }
  }

  for (const legMetrics of metrics) {
    // The two endpoints may name a leg's far end differently ("Destination" vs the app's host).
    const sameSource = [...legs.values()].filter((leg) => leg.src === (legMetrics.legSrc ?? ''));
    const leg = legs.get(legName(legMetrics.legSrc, legMetrics.legDst)) ?? (sameSource.length === 1 ? sameSource[0]! : legFor(legMetrics.legSrc, legMetrics.legDst));
    for (const series of legMetrics.stats) {
      const name = seriesName(series);
      const values = seriesValues(series).filter((value) => value >= 0);
      if (/loss/.test(name)) leg.losses.push(...values);
      else if (/latency|rtt/.test(name)) leg.latencies.push(...values.map((value) => value * msFactor(series.unit)));
    }
  }

  const ordered = [...legs.values()].sort((a, b) => a.order - b.order);
  const zscalerIndex = ordered.findIndex((leg) => ZSCALER_NAME.test(leg.dst));
  const evidenceLegs: TraceEvidence['legs'] = [];
  let worstHop: HopEvidence | undefined;
  let worstScore = 0;
  ordered.forEach((leg, index) => {
    const kind = classifyLeg(leg.src, leg.dst, { index, count: ordered.length, zscalerIndex });
    const entry: TraceEvidence['legs'][number] = { name: leg.name, kind };
    const latency = statsOf(leg.latencies);
    const loss = statsOf(leg.losses);
    if (latency) entry.latencyMs = latency.avg;
    if (loss) entry.lossPercent = loss.max;
    if (leg.hops.length > 0) entry.hops = Math.round(Math.max(...leg.hops));
    if (leg.unresponsive.length > 0) entry.unresponsiveHops = Math.round(Math.max(...leg.unresponsive));
    if (leg.tunnel) entry.tunnel = leg.tunnel;
    evidenceLegs.push(entry);
    const lastIndex = Math.max(...leg.hopStats.keys(), -1);
    for (const [hopIndex, hop] of leg.hopStats) {
      const added = statsOf(hop.added)?.avg ?? 0;
      const hopLoss = statsOf(hop.loss)?.avg ?? 0;
      // A hop matters by the latency it adds and the loss it shows; 1% loss weighs like 20 ms.
      const score = added + hopLoss * 20;
      if (score > worstScore) {
        worstScore = score;
        worstHop = { leg: leg.name, legKind: kind, index: hopIndex + 1, ip: hop.ip, addedLatencyMs: round(added), lossPercent: round(hopLoss), isLast: hopIndex === lastIndex };
      }
    }
  });
  return worstHop ? { legs: evidenceLegs, worstHop } : { legs: evidenceLegs };
}

function healthEvidence(categories: readonly HealthMetricCategory[]): TraceEvidence['health'] {
  const candidates: Record<keyof TraceEvidence['health'], Array<{ preferred: boolean; stats: SeriesStats }>> = {
    cpuPercent: [],
    memoryPercent: [],
    wifiSignalDbm: [],
    wifiSignalPercent: [],
    diskPercent: [],
  };
  for (const category of categories) {
    for (const instance of category.instances) {
      for (const series of instance.metrics) {
        const name = `${category.category} ${instance.metric ?? ''} ${seriesName(series)}`.toLowerCase();
        const unit = (series.unit ?? '').toLowerCase();
        const values = seriesValues(series);
        const percent = unit.includes('%') || unit.includes('pct') || unit.includes('percent') || /percent|pct|util|usage|load/.test(name);
        const preferred = /total|overall|usage|used/.test(name);
        if (/signal|rssi/.test(name)) {
          const dbm = unit.includes('dbm') || values.some((value) => value < 0 && value !== -1);
          const stats = dbm ? signedStats(values.filter((value) => value < 0 && value !== -1)) : statsOf(values);
          if (stats) candidates[dbm ? 'wifiSignalDbm' : 'wifiSignalPercent'].push({ preferred, stats });
          continue;
        }
        if (!percent) continue;
        const stats = statsOf(values);
        if (!stats) continue;
        if (/cpu|processor/.test(name)) candidates.cpuPercent.push({ preferred, stats });
        else if (/mem|ram/.test(name)) candidates.memoryPercent.push({ preferred, stats });
        else if (/disk/.test(name)) candidates.diskPercent.push({ preferred, stats });
      }
    }
  }
  const health: TraceEvidence['health'] = {};
  for (const key of Object.keys(candidates) as Array<keyof TraceEvidence['health']>) {
    const list = candidates[key];
    if (list.length === 0) continue;
    const preferred = list.filter((candidate) => candidate.preferred);
    const pool = preferred.length > 0 ? preferred : list;
    // Several series (per core, per adapter): the busiest is the one that hurts.
    const chosen = key === 'wifiSignalDbm' || key === 'wifiSignalPercent'
      ? pool.reduce((worst, candidate) => (candidate.stats.avg < worst.stats.avg ? candidate : worst))
      : pool.reduce((worst, candidate) => (candidate.stats.avg > worst.stats.avg ? candidate : worst));
    health[key] = chosen.stats;
  }
  return health;
}

const EVENT_PRIORITY: Readonly<Record<string, number>> = { network: 0, zscaler: 1, hardware: 2, software: 3 };
const MAX_EVENTS = 6;

function eventEvidence(groups: readonly DeviceEventGroup[]): TraceEvidence['events'] {
  const out: Array<TraceEvidence['events'][number] & { rank: number }> = [];
  for (const group of groups) {
    for (const event of group.events) {
      const label = event.displayName || event.name;
      if (!label) continue;
      const category = event.category || 'Other';
      const change = event.prev || event.curr ? `: ${event.prev || '(none)'} → ${event.curr || '(none)'}` : '';
      out.push({ category, text: `${label}${change}`.slice(0, 200), rank: EVENT_PRIORITY[category.toLowerCase()] ?? 4, at: group.timestamp });
    }
  }
  return out
    .sort((a, b) => a.rank - b.rank || (a.at ?? 0) - (b.at ?? 0))
    .slice(0, MAX_EVENTS)
    .map(({ rank: _rank, ...event }) => event);
}

const PROCESSES_PER_CATEGORY = 3;

function processEvidence(samples: readonly TopProcessesSample[]): TraceEvidence['topProcesses'] {
  const counts = new Map<string, { category: string; name: string; samples: number; rankSum: number }>();
  const snapshots = new Map<string, number>();
  for (const snapshot of samples) {
    for (const category of snapshot.topProcesses) {
      const categoryName = (category.category || 'other').toLowerCase();
      snapshots.set(categoryName, (snapshots.get(categoryName) ?? 0) + 1);
      category.processes.forEach((process, position) => {
        if (!process.name) return;
        const key = `${categoryName}\u0000${process.name}`;
        const entry = counts.get(key) ?? { category: categoryName, name: process.name, samples: 0, rankSum: 0 };
        entry.samples++;
        entry.rankSum += position;
        counts.set(key, entry);
      });
    }
  }
  const byCategory = new Map<string, Array<{ category: string; name: string; samples: number; rankSum: number }>>();
  for (const entry of counts.values()) byCategory.set(entry.category, [...(byCategory.get(entry.category) ?? []), entry]);
  const out: TraceEvidence['topProcesses'] = [];
  for (const [category, entries] of byCategory) {
    entries
      .sort((a, b) => b.samples - a.samples || a.rankSum / a.samples - b.rankSum / b.samples)
      .slice(0, PROCESSES_PER_CATEGORY)
      .forEach((entry) => out.push({ category, name: entry.name.slice(0, 120), samples: entry.samples, ofSamples: snapshots.get(category) ?? entry.samples }));
  }
  return out;
}

/** Builds the evidence of one trace from its result bodies. Never throws. */
export function summarizeTraceResults(results: TraceResults): TraceEvidence {
  const path = pathEvidence(results.cloudPath ?? [], results.cloudPathMetrics ?? []);
  const evidence: TraceEvidence = {
    web: webEvidence(results.webProbeMetrics ?? []),
    legs: path.legs,
    health: healthEvidence(results.healthMetrics ?? []),
    events: eventEvidence(results.events ?? []),
    topProcesses: processEvidence(results.topProcesses ?? []),
    missing: [],
  };
  if (path.worstHop) evidence.worstHop = path.worstHop;
  return evidence;
}
