/**
 * The order in which the first look reads devices: the most impacted first, every affected
 * device that ZDX listed, including those beyond the per-alert deep-trace cap. Pure.
 *
 * ZDX's `affected_devices` carries no per-device impact, so the order starts from ResolveDevices'
 * (the devices chosen for a deep trace are its prioritised ones), then the devices past the cap in
 * ZDX's order. A device with a known ZDX score for the alert's app (lower is worse) goes ahead of
 * every device without one.
 */
import type { DeviceResult } from '../../notify/results.js';
import { withoutUndefined, type DeviceWork, type ResolvedAlert } from './workflow-state.js';
import { scoreWithData } from '../zdx-port.js';

/** One device waiting for its first look. */
export interface FirstLookCandidate extends DeviceWork {
  /** ZDX score of the app on the device (0..100), when known; lower means more impacted. */
  readonly score?: number;
  /** Whether the device gets a deep trace in this run. */
  readonly traced: boolean;
}

/** Devices past the cap, and cooldown-skipped ones, are looked at too: the first look costs no trace slot. */
const LOOKED_AT_WHEN_SKIPPED: ReadonlySet<DeviceResult['status']> = new Set(['capped', 'skipped_cooldown']);

/** Every device of `resolved` that gets a first look, most impacted first. */
export function firstLookQueue(resolved: ResolvedAlert): FirstLookCandidate[] {
  const appId = resolved.alert.applicationId;
  const traced: FirstLookCandidate[] = resolved.devices.map((device) => ({ ...device, traced: true }));
  const skipped: FirstLookCandidate[] = appId
    ? resolved.skipped
        .filter((result) => LOOKED_AT_WHEN_SKIPPED.has(result.status))
        .map((result) => withoutUndefined({ deviceId: result.deviceId, deviceName: result.deviceName, userName: result.userName, appId, traced: false }))
    : [];
  return orderByImpact([...traced, ...skipped]);
}

/** Stable (as `Array.prototype.sort` is): scored devices first (lowest score first), then the rest in their given order. */
export function orderByImpact<T extends Pick<FirstLookCandidate, 'score'>>(candidates: readonly T[]): T[] {
  return [...candidates].sort((a, b) => {
    const scoreA = scoreWithData(a.score);
    const scoreB = scoreWithData(b.score);
    if (scoreA === undefined || scoreB === undefined) return Number(scoreA === undefined) - Number(scoreB === undefined);
    return scoreA - scoreB;
  });
}
