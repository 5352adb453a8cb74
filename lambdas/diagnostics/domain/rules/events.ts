/**
 * Event rules: what changed on the device during the trace (ZDX events by category). A change
 * coinciding with the symptom adds a little weight to whoever it concerns, capped so that a burst
 * of events does not outweigh a measurement.
 */
import type { TraceEvidence } from '../workflow-state.js';
import type { Finding, RuleMeta, Scored } from './rule.js';

export const NETWORK_EVENTS_RULE = {
  id: 'events.network',
  reads: 'Network events (access point, interface or IP changes)',
  weighs: ['network'],
  rationale: 'a network change drops or re-establishes connections in the middle of the trace',
} as const satisfies RuleMeta;

export const ZSCALER_EVENTS_RULE = {
  id: 'events.zscaler',
  reads: 'Zscaler events (service edge changes, tunnel restarts)',
  weighs: ['zscaler'],
  rationale: 'a service edge change or tunnel restart interrupts the traffic Zscaler carries',
} as const satisfies RuleMeta;

export const DEVICE_EVENTS_RULE = {
  id: 'events.device',
  reads: 'Hardware and Software events',
  weighs: ['device'],
  rationale: 'an install, update or driver change can load or disturb the device',
} as const satisfies RuleMeta;

export const EVENT_LIST_RULE = {
  id: 'events.list',
  reads: 'every event during the trace',
  weighs: [],
  rationale: 'a reader can match the events against the timeline of the symptom',
} as const satisfies RuleMeta;

/** Each network or Zscaler event adds 0.75... */
export const EVENT_WEIGHT = 0.75;
/** ...up to 1.5 (two events): MIN_VERDICT_WEIGHT, enough to name a suspect only when nothing else is found. */
export const EVENTS_MAX_WEIGHT = 1.5;
/** Device changes are more often unrelated to a slow page: half as much each... */
export const DEVICE_EVENT_WEIGHT = 0.5;
/** ...up to 1, under MIN_VERDICT_WEIGHT: device changes alone never name the device. */
export const DEVICE_EVENTS_MAX_WEIGHT = 1;

export type EventFinding =
  | Finding<'events.network' | 'events.zscaler' | 'events.device', { count: number; first: string }>
  | Finding<'events.list', { events: TraceEvidence['events'] }>;

export function events(evidence: TraceEvidence): Scored<EventFinding> {
  if (evidence.events.length === 0) return { findings: [], metrics: {} };
  const byCategory = new Map<string, string[]>();
  for (const event of evidence.events) byCategory.set(event.category.toLowerCase(), [...(byCategory.get(event.category.toLowerCase()) ?? []), event.text]);
  const network = byCategory.get('network') ?? [];
  const zscaler = byCategory.get('zscaler') ?? [];
  const device = [...(byCategory.get('hardware') ?? []), ...(byCategory.get('software') ?? [])];
  const findings: EventFinding[] = [];
  if (network.length > 0) {
    findings.push({ rule: NETWORK_EVENTS_RULE.id, facts: { count: network.length, first: network[0]! }, blame: { suspect: 'network', weight: Math.min(EVENTS_MAX_WEIGHT, EVENT_WEIGHT * network.length) } });
  }
  if (zscaler.length > 0) {
    findings.push({ rule: ZSCALER_EVENTS_RULE.id, facts: { count: zscaler.length, first: zscaler[0]! }, blame: { suspect: 'zscaler', weight: Math.min(EVENTS_MAX_WEIGHT, EVENT_WEIGHT * zscaler.length) } });
  }
  if (device.length > 0) {
    findings.push({ rule: DEVICE_EVENTS_RULE.id, facts: { count: device.length, first: device[0]! }, blame: { suspect: 'device', weight: Math.min(DEVICE_EVENTS_MAX_WEIGHT, DEVICE_EVENT_WEIGHT * device.length) } });
  }
  findings.push({ rule: EVENT_LIST_RULE.id, facts: { events: evidence.events } });
  return { findings, metrics: {} };
}
