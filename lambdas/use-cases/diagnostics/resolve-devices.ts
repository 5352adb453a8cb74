/**
 * ResolveDevices: which devices of an alert to trace.
 *
 * Reads the alert (its application) and its affected devices (all pages), then walks them in the
 * order ZDX lists them: the first `perAlertDeviceCap` devices not in cooldown are traced, a device
 * in cooldown is skipped with who traced it and until when, and every device past the cap is
 * reported as capped. Nothing is dropped silently; very large alerts list the first few hundred and
 * count the rest.
 */
import type { AlertSummary, DeviceResult } from '../../core/reports.js';
import type { Clock } from '../../core/ports.js';
import { systemClock } from '../../core/ports.js';
import { alertThresholds } from './criteria.js';
import type { DeviceCooldownPort } from './device-cooldown.js';
import { alertExecutionName } from './execution-name.js';
import { passesSeverityFilter, type DiagnosticsSettings } from './settings.js';
import type { DiagnosticsExecutionInput } from './workflow-input.js';
import type { DeviceWork, ResolvedAlert } from './workflow-state.js';
import { readZdx, ZdxAffectedDeviceSchema, ZdxAlertViewSchema, type DiagnosticsZdx, type ZdxCallOptions } from './zdx-port.js';

/** Devices past the cap that the report names one by one; beyond this they are counted. */
export const MAX_LISTED_SKIPPED = 100;

export interface ResolveDevicesDeps {
  readonly zdx: DiagnosticsZdx;
  readonly cooldown: DeviceCooldownPort;
  readonly settings: Pick<DiagnosticsSettings, 'perAlertDeviceCap' | 'deviceCooldownMinutes' | 'minSeverity'>;
  readonly clock?: Clock;
  readonly call?: ZdxCallOptions;
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

  const view = readZdx(ZdxAlertViewSchema, await deps.zdx.alerts.get(summary.alertId, deps.call), 'GET /v1/alerts/{alert_id}');
  if (view.ruleName && (input.source === 'manual' || summary.ruleName === 'unnamed rule')) summary.ruleName = view.ruleName;
  if (view.severity && summary.severity === 'unknown') summary.severity = view.severity;
  if (view.alertType && summary.alertType === undefined) summary.alertType = view.alertType;
  if (view.startedOn && summary.startTime === undefined) summary.startTime = view.startedOn;
  const appId = view.application?.id ?? undefined;
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

  const devices: DeviceWork[] = [];
  const skipped: DeviceResult[] = [];
  const seen = new Set<string>();
  let unlisted = 0;
  const cap = deps.settings.perAlertDeviceCap;
  for await (const raw of deps.zdx.alerts.affectedDevices(summary.alertId, {}, deps.call)) {
    const device = readZdx(ZdxAffectedDeviceSchema, raw, 'GET /v1/alerts/{alert_id}/affected_devices');
    if (seen.has(device.id)) continue;
    seen.add(device.id);
    const work: DeviceWork = { deviceId: device.id, appId };
    if (device.name) work.deviceName = device.name;
    if (device.userName ?? device.userEmail) work.userName = (device.userName ?? device.userEmail)!;
    const identity = { deviceId: work.deviceId, deviceName: work.deviceName, userName: work.userName };

    if (devices.length >= cap) {
      if (skipped.length >= MAX_LISTED_SKIPPED) unlisted++;
      else skipped.push({ ...identity, traceId: null, status: 'capped', diagnosis: null, reason: `not traced: the per-alert cap of ${cap} devices was reached` });
      continue;
    }
    const claim = await deps.cooldown.claim(work.deviceId, { claimant: executionName ?? alertExecutionName(summary.alertId), alertId: summary.alertId }, deps.settings.deviceCooldownMinutes);
    if (claim.claimed) {
      devices.push(work);
      continue;
    }
    if (skipped.length >= MAX_LISTED_SKIPPED) {
      unlisted++;
      continue;
    }
    skipped.push({
      ...identity,
      traceId: null,
      status: 'skipped_cooldown',
      diagnosis: null,
      reason: `skipped: traced at ${new Date(claim.tracedAt).toISOString()} for alert ${claim.alertId}; cooldown until ${new Date(claim.until).toISOString()}`,
    });
  }
  const notes: string[] = [];
  if (seen.size === 0) notes.push('ZDX lists no affected devices for this alert; nothing traced');
  if (unlisted > 0) notes.push(`${unlisted} more affected devices were neither traced nor listed`);
  return { ...base, alert: summary, devices, skipped: stripUndefined(skipped), unlistedDevices: unlisted, notes };
}

function stripUndefined(results: DeviceResult[]): DeviceResult[] {
  return results.map((result) => Object.fromEntries(Object.entries(result).filter(([, value]) => value !== undefined)) as DeviceResult);
}
