/**
 * Device health rules: CPU, memory and disk implicate the device; a weak Wi-Fi signal implicates
 * the network (the local one). Normal readings are reported too: they clear the device.
 */
import type { TraceEvidence } from '../workflow-state.js';
import type { Finding, RuleMeta, Scored } from './rule.js';

export const CPU_RULE = {
  id: 'health.cpu',
  reads: 'CPU use, average and peak',
  weighs: ['device'],
  rationale: 'a saturated CPU delays the browser and the Client Connector alike, however good the network',
} as const satisfies RuleMeta;

export const MEMORY_RULE = {
  id: 'health.memory',
  reads: 'memory use, average and peak',
  weighs: ['device'],
  rationale: 'a device out of memory pages to disk, which slows everything it runs',
} as const satisfies RuleMeta;

export const DISK_RULE = {
  id: 'health.disk',
  reads: 'disk use',
  weighs: ['device'],
  rationale: 'a full disk slows caching and paging, a minor contributor to a slow page',
} as const satisfies RuleMeta;

export const WIFI_SIGNAL_RULE = {
  id: 'health.wifi-signal',
  reads: 'the Wi-Fi signal strength in dBm, average and weakest',
  weighs: ['network'],
  rationale: 'a weak signal means retransmissions and low data rates on the first hop of every connection',
} as const satisfies RuleMeta;

export const WIFI_QUALITY_RULE = {
  id: 'health.wifi-quality',
  reads: 'the Wi-Fi signal quality in percent, when the device reports no dBm',
  weighs: ['network'],
  rationale: 'the same weak first hop, as the operating systems that report a percentage describe it',
} as const satisfies RuleMeta;

export const NORMAL_HEALTH_RULE = {
  id: 'health.normal',
  reads: 'the CPU, memory and Wi-Fi readings that are not weak',
  weighs: [],
  rationale: 'a healthy device is evidence too: it clears the device, and lets a slow page point elsewhere',
} as const satisfies RuleMeta;

/** An average of 85% leaves no headroom for the bursts a page load needs. */
export const CPU_BUSY_PERCENT = 85;
/** Peaks at 98% or more count as busy from a lower average... */
export const CPU_PEAK_PERCENT = 98;
/** ...of 70%: the device is pinned often enough to stall page loads. */
export const CPU_PEAK_AVERAGE_PERCENT = 70;
/** From a 95% average the CPU is saturated. */
export const CPU_SATURATED_PERCENT = 95;
/** A busy CPU names the device on its own. */
export const CPU_BUSY_WEIGHT = 2.5;
/** A saturated CPU outweighs any single network measurement but the worst hop at its cap. */
export const CPU_SATURATED_WEIGHT = 3.5;

/** From a 90% average the operating system starts to page. */
export const MEMORY_HIGH_PERCENT = 90;
/** From a 95% average it pages heavily. */
export const MEMORY_CRITICAL_PERCENT = 95;
/** Over MIN_VERDICT_WEIGHT: high memory names the device on its own. */
export const MEMORY_HIGH_WEIGHT = 2;
/** Less than a saturated CPU: memory pressure slows a page less directly. */
export const MEMORY_CRITICAL_WEIGHT = 3;

/** From 95% a disk is nearly full. */
export const DISK_FULL_PERCENT = 95;
/** Weak: a full disk contributes, it rarely explains a slow page alone. */
export const DISK_FULL_WEIGHT = 1;

/** Usual Wi-Fi planning guidance: at -70 dBm or weaker, data rates drop and retransmissions climb. */
export const WIFI_WEAK_DBM = -70;
/** At -75 dBm or weaker the link is unreliable. */
export const WIFI_VERY_WEAK_DBM = -75;
/** Just enough to name the network alone. */
export const WIFI_WEAK_WEIGHT = 1.5;
/** As strong as the worst leg loss: a link this weak loses packets. */
export const WIFI_VERY_WEAK_WEIGHT = 3;
/** Windows reports quality as 2 × (dBm + 100), so 50% or less is -75 dBm or weaker. */
export const WIFI_WEAK_QUALITY_PERCENT = 50;
/** 35% or less is -82.5 dBm or weaker. */
export const WIFI_VERY_WEAK_QUALITY_PERCENT = 35;
/** Just enough to name the network alone. */
export const WIFI_WEAK_QUALITY_WEIGHT = 1.5;
/** Less than a very weak dBm reading: a percentage is the coarser measurement. */
export const WIFI_VERY_WEAK_QUALITY_WEIGHT = 2.5;

type NormalReadings = { cpuPercent?: number; memoryPercent?: number; wifiSignalDbm?: number; wifiSignalPercent?: number };

export type HealthFinding =
  | Finding<'health.cpu' | 'health.memory', { avgPercent: number; peakPercent: number }>
  | Finding<'health.disk', { avgPercent: number }>
  | Finding<'health.wifi-signal', { avgDbm: number; weakestDbm: number }>
  | Finding<'health.wifi-quality', { avgPercent: number; weakestPercent: number }>
  | Finding<'health.normal', NormalReadings>;

/** What device health says; `healthy` (CPU, memory and disk) is undefined when none was measured. */
export function health(evidence: TraceEvidence): Scored<HealthFinding> & { healthy: boolean | undefined } {
  const { cpuPercent, memoryPercent, wifiSignalDbm, wifiSignalPercent, diskPercent } = evidence.health;
  const findings: HealthFinding[] = [];
  const metrics: Record<string, number> = {};
  const normal: NormalReadings = {};
  let healthy: boolean | undefined;
  if (cpuPercent) {
    metrics.cpuPercent = cpuPercent.avg;
    if (cpuPercent.avg >= CPU_BUSY_PERCENT || (cpuPercent.max >= CPU_PEAK_PERCENT && cpuPercent.avg >= CPU_PEAK_AVERAGE_PERCENT)) {
      const weight = cpuPercent.avg >= CPU_SATURATED_PERCENT ? CPU_SATURATED_WEIGHT : CPU_BUSY_WEIGHT;
      findings.push({ rule: CPU_RULE.id, facts: { avgPercent: cpuPercent.avg, peakPercent: cpuPercent.max }, blame: { suspect: 'device', weight } });
      healthy = false;
    } else {
      normal.cpuPercent = cpuPercent.avg;
      healthy ??= true;
    }
  }
  if (memoryPercent) {
    metrics.memoryPercent = memoryPercent.avg;
    if (memoryPercent.avg >= MEMORY_HIGH_PERCENT) {
      const weight = memoryPercent.avg >= MEMORY_CRITICAL_PERCENT ? MEMORY_CRITICAL_WEIGHT : MEMORY_HIGH_WEIGHT;
      findings.push({ rule: MEMORY_RULE.id, facts: { avgPercent: memoryPercent.avg, peakPercent: memoryPercent.max }, blame: { suspect: 'device', weight } });
      healthy = false;
    } else {
      normal.memoryPercent = memoryPercent.avg;
      healthy ??= true;
    }
  }
  if (diskPercent) {
    metrics.diskPercent = diskPercent.avg;
    if (diskPercent.avg >= DISK_FULL_PERCENT) {
      findings.push({ rule: DISK_RULE.id, facts: { avgPercent: diskPercent.avg }, blame: { suspect: 'device', weight: DISK_FULL_WEIGHT } });
      healthy = false;
    }
  }
  if (wifiSignalDbm) {
    metrics.wifiSignalDbm = wifiSignalDbm.avg;
    if (wifiSignalDbm.avg <= WIFI_WEAK_DBM) {
      const weight = wifiSignalDbm.avg <= WIFI_VERY_WEAK_DBM ? WIFI_VERY_WEAK_WEIGHT : WIFI_WEAK_WEIGHT;
      findings.push({ rule: WIFI_SIGNAL_RULE.id, facts: { avgDbm: wifiSignalDbm.avg, weakestDbm: wifiSignalDbm.min }, blame: { suspect: 'network', weight } });
    } else normal.wifiSignalDbm = wifiSignalDbm.avg;
  } else if (wifiSignalPercent) {
    metrics.wifiSignalPercent = wifiSignalPercent.avg;
    if (wifiSignalPercent.avg <= WIFI_WEAK_QUALITY_PERCENT) {
      const weight = wifiSignalPercent.avg <= WIFI_VERY_WEAK_QUALITY_PERCENT ? WIFI_VERY_WEAK_QUALITY_WEIGHT : WIFI_WEAK_QUALITY_WEIGHT;
      findings.push({ rule: WIFI_QUALITY_RULE.id, facts: { avgPercent: wifiSignalPercent.avg, weakestPercent: wifiSignalPercent.min }, blame: { suspect: 'network', weight } });
    } else normal.wifiSignalPercent = wifiSignalPercent.avg;
  }
  if (Object.keys(normal).length > 0) findings.push({ rule: NORMAL_HEALTH_RULE.id, facts: normal });
  return { findings, metrics, healthy };
}
