/**
 * ResolveDevices: which devices of an alert to trace.
 *
 * Reads the alert (its application) and its affected devices (all pages), then walks them in
 * priority order (work-priority.ts; the order ZDX lists them unless the budget is short): the first
 * `perAlertDeviceCap` devices not in cooldown are traced, a device in cooldown is skipped with who
 * traced it and until when, and every device past the cap is reported as capped. When the tenant's
 * hourly or daily ZDX budget cannot pay for every trace, only as many as it can are traced, one
 * device per Zscaler location before a second of the same location (one filtered affected-devices
 * read per location tells them apart), and the report says how many were not traced for budget and
 * when the window frees up: a trace started without the calls to finish it would only waste them.
 * Nothing is dropped silently; very large alerts list the first few hundred and count the rest.
 */
import type { CallOptions } from '../../core/http/http-client.js';
import type { AlertSummary, DeviceResult } from '../../notify/results.js';
import type { Clock } from '../../core/ports.js';
import type { PledgeGrant, PledgeRequest } from '../../core/rate-budget/shared-rate-budget.js';
import { systemClock } from '../../core/ports.js';
import { alertThresholds } from '../domain/criteria.js';
import type { DeviceCooldownPort } from '../adapters/device-cooldown.js';
import { alertExecutionName } from '../domain/execution-name.js';
import { passesSeverityFilter, type DiagnosticsSettings } from '../settings.js';
import type { DiagnosticsExecutionInput } from '../domain/workflow-input.js';
import { withoutUndefined, type DeviceWork, type ResolvedAlert } from '../domain/workflow-state.js';
import { budgetHeadroom, budgetShortNote, orderByPriority } from '../domain/work-priority.js';
import type { DiagnosticsZdx } from '../zdx-port.js';

/** Devices past the cap that the report names one by one; beyond this they are counted. */
export const MAX_LISTED_SKIPPED = 100;

/**
 * ZDX calls one traced device costs, from start to results: probe lookups, the start, status polls
 * and the six result reads (the storm benchmark: about 10 per trace, alert reads aside; rounded up so an
 * estimate never starts a trace the budget cannot finish).
 */
export const ZDX_CALLS_PER_DEEP_TRACE = 12;

/** Pledges budget for work before it starts (SharedRateBudget.pledge). */
export interface BudgetPledger {
  pledge(request: PledgeRequest): Promise<PledgeGrant>;
}

/**
 * The most one alert may pledge of what the hour and day can still pay for: in a storm the first
 * alert would otherwise take the whole hour and leave every later one without a single trace.
 */
const FAIR_SHARE_OF_ROOM = 0.25;

/** Beyond the session, a traced device's calls (start, polls, results) take about this long. */
const TRACE_OVERHEAD_MS = 2 * 60_000;

export interface ResolveDevicesDeps {
  readonly zdx: DiagnosticsZdx;
  readonly cooldown: DeviceCooldownPort;
  readonly settings: Pick<DiagnosticsSettings, 'perAlertDeviceCap' | 'deviceCooldownMinutes' | 'minSeverity'> & Partial<Pick<DiagnosticsSettings, 'sessionLengthMinutes'>>;
  readonly clock?: Clock;
  readonly call?: CallOptions;
  /** The tenant's ZDX budget; without it every device is assumed affordable. */
  readonly budget?: BudgetPledger;
}

function summaryFromInput(input: DiagnosticsExecutionInput): AlertSummary {
  const alert = input.alert;
  const summary: AlertSummary = {
    alertId: alert.alertId,
    ruleName: alert.ruleName ?? 'unnamed rule',
    severity: alert.severity ?? 'unknown',
    status: alert.status,
  };
  if (alert.alertType !== undefined) summary.alertType = alert.alertType;
  if (alert.startTime !== undefined) summary.startTime = alert.startTime;
  if (alert.criteriaString !== undefined) summary.criteriaString = alert.criteriaString;
  else if (alert.criteria?.conditions?.length) {
    const texts = alert.criteria.conditions.map((condition) => condition.conditionString).filter((text): text is string => !!text);
    if (texts.length > 0) summary.criteriaString = texts.join(` ${alert.criteria.op ?? 'AND'} `);
  }
  if (alert.impactedDeviceCount !== undefined) summary.impactedDeviceCount = alert.impactedDeviceCount;
  return summary;
}

/**
 * Resolves the devices to trace for one execution. `executionName` holds the cooldown claims (a
 * retried step gets its claims back); by default the alert's own execution name.
 */
export async function resolveDevices(input: DiagnosticsExecutionInput, deps: ResolveDevicesDeps, executionName?: string): Promise<ResolvedAlert> {
  const clock = deps.clock ?? systemClock;
  const startedAt = new Date(clock.now()).toISOString();
  const summary = summaryFromInput(input);
  const thresholds = alertThresholds(input.alert.criteria, input.alert.criteriaString);
  const base = { thresholds, startedAt, unlistedDevices: 0, ...(input.alert.zdxUrl ? { zdxUrl: input.alert.zdxUrl } : {}) };

  if (input.devices && input.devices.length > 0) {
    const devices: DeviceWork[] = input.devices.map((device) => ({ deviceId: device.deviceId, appId: device.appId }));
    summary.applicationId = devices[0]!.appId;
    return { ...base, alert: summary, devices, skipped: [], notes: ['manual request: the device cooldown does not apply'] };
  }

  const view = await deps.zdx.alerts.get(summary.alertId, deps.call);
  if (view.ruleName && (input.source === 'manual' || summary.ruleName === 'unnamed rule')) summary.ruleName = view.ruleName;
  if (view.severity && summary.severity === 'unknown') summary.severity = view.severity;
  if (view.alertType && summary.alertType === undefined) summary.alertType = view.alertType;
  if (view.startedOn && summary.startTime === undefined) summary.startTime = view.startedOn;
  const appId = view.application?.id;
  if (view.application?.name) summary.applicationName = view.application.name;
  if (appId) summary.applicationId = appId;

  if (!passesSeverityFilter(summary.severity, deps.settings.minSeverity)) {
    return { ...base, alert: summary, devices: [], skipped: [], notes: [`severity ${summary.severity} is below the configured minimum ${deps.settings.minSeverity}; nothing traced`] };
  }
  if (!appId) {
    return {
      ...base,
      alert: summary,
      devices: [],
      skipped: [],
      notes: ['the alert names no application, and a deep trace needs one (device and network rules have none); nothing traced'],
    };
  }

  const affected: DeviceWork[] = [];
  const seen = new Set<string>();
  for await (const device of deps.zdx.alerts.affectedDevices(summary.alertId, {}, deps.call)) {
    if (seen.has(device.id)) continue;
    seen.add(device.id);
    const work: DeviceWork = { deviceId: device.id, appId };
    if (device.name) work.deviceName = device.name;
    if (device.userName ?? device.userEmail) work.userName = (device.userName ?? device.userEmail)!;
    affected.push(work);
  }

  const cap = deps.settings.perAlertDeviceCap;
  const priority = { priorityClass: 'deepTrace' as const, severity: summary.severity, impactedDevices: Math.max(affected.length, summary.impactedDeviceCount ?? 0) };
  let room: PledgeGrant = { granted: Number.POSITIVE_INFINITY };
  let ordered = affected;
  const wanted = Math.min(cap, affected.length);
  if (deps.budget && wanted > 0) {
    const durationMs = (deps.settings.sessionLengthMinutes ?? 5) * 60_000 + TRACE_OVERHEAD_MS;
    room = await deps.budget.pledge({ units: wanted, callsEach: ZDX_CALLS_PER_DEEP_TRACE, headroom: budgetHeadroom(priority), durationMs, fairShare: FAIR_SHARE_OF_ROOM });
    const locations = view.locations.map((location) => location.id);
    if (room.granted < wanted && room.granted > 0 && locations.length >= 2 && locations.length <= MAX_LOCATION_READS) {
      const locationOf = await deviceLocations(deps, summary.alertId, locations);
      ordered = orderByPriority(affected, (work) => ({ ...priority, group: locationOf.get(work.deviceId) }));
    }
  }

  const devices: DeviceWork[] = [];
  const skipped: DeviceResult[] = [];
  let unlisted = 0;
  let budgetSkipped = 0;
  const skip = (result: DeviceResult) => {
    if (skipped.length >= MAX_LISTED_SKIPPED) unlisted++;
    else skipped.push(result);
  };
  for (const work of ordered) {
    const identity = { deviceId: work.deviceId, deviceName: work.deviceName, userName: work.userName };
    if (devices.length >= cap) {
      skip({ ...identity, traceId: null, status: 'capped', diagnosis: null, reason: `not traced: the per-alert cap of ${cap} devices was reached` });
      continue;
    }
    if (devices.length >= room.granted) {
      budgetSkipped++;
      skip({ ...identity, traceId: null, status: 'skipped_budget', diagnosis: null, reason: `not traced: the ${room.binding?.window ?? 'ZDX'} API budget cannot pay for another deep trace` });
      continue;
    }
    const claim = await deps.cooldown.claim(work.deviceId, { claimant: executionName ?? alertExecutionName(summary.alertId), alertId: summary.alertId }, deps.settings.deviceCooldownMinutes);
    if (claim.claimed) {
      devices.push(work);
      continue;
    }
    skip({
      ...identity,
      traceId: null,
      status: 'skipped_cooldown',
      diagnosis: null,
      reason: `skipped: traced at ${new Date(claim.tracedAt).toISOString()} for alert ${claim.alertId}; cooldown until ${new Date(claim.until).toISOString()}`,
    });
  }
  const notes: string[] = [];
  if (seen.size === 0) notes.push('ZDX lists no affected devices for this alert; nothing traced');
  if (budgetSkipped > 0 && room.binding) notes.push(budgetShortNote(budgetSkipped, room.binding));
  if (unlisted > 0) notes.push(`${unlisted} more affected devices were neither traced nor listed`);
  return { ...base, alert: summary, devices, skipped: skipped.map(withoutUndefined), unlistedDevices: unlisted, notes };
}

/** Locations read one by one to spread traces; an alert spanning more is traced in ZDX's order. */
const MAX_LOCATION_READS = 10;

/** Device id -> Zscaler location, from one `loc`-filtered affected-devices read per location. */
async function deviceLocations(deps: ResolveDevicesDeps, alertId: string, locations: readonly string[]): Promise<Map<string, string>> {
  const locationOf = new Map<string, string>();
  for (const location of locations) {
    for await (const device of deps.zdx.alerts.affectedDevices(alertId, { loc: [location] }, deps.call)) {
      if (!locationOf.has(device.id)) locationOf.set(device.id, location);
    }
  }
  return locationOf;
}
