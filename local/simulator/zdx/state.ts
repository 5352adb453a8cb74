/**
 * The simulated ZDX tenant's mutable state: seeded data, deep traces, and the sandbox helpers that
 * add alerts on demand.
 */
import type { SimulatorContext } from '../context.js';
import { addDevice, createZdxData, DEVICE_PROFILES, profileFor, type DeviceProfile, type ZdxAlert, type ZdxData } from '../data/zdx-seed.js';
import { Rng } from '../random.js';
import { DeepTraceStore } from './deep-traces.js';
import type { HistoryVisibility } from './history.js';

/** Options of {@link ZdxState.ensureAlert}. */
export interface EnsureAlertOptions {
  /** Affected devices (default 3). */
  deviceCount?: number;
  /** Application the alert is about (default 1, Outlook Online). */
  applicationId?: number;
  /** Profiles of the affected devices in order (default: varied, see `profileFor`). */
  profiles?: DeviceProfile[];
  ruleName?: string;
  severity?: 'High' | 'Medium' | 'Low';
}

/** The ZDX tenant of one simulator. */
export class ZdxState {
  readonly data: ZdxData;
  readonly traces: DeepTraceStore;
  /** Per-device overrides of how plainly the probe history shows the root cause. */
  readonly historyVisibility = new Map<number, HistoryVisibility>();
  private readonly rng: Rng;

  constructor(private readonly ctx: SimulatorContext) {
    this.data = createZdxData(ctx.seed, ctx.clock.now());
    this.traces = new DeepTraceStore(ctx);
    this.rng = new Rng('zdx-ensure', ctx.seed);
  }

  /**
   * Returns the alert with `alertId`, creating an ongoing one with affected devices (taken from
   * the unassigned pool first, then new), their apps and probes when it does not exist.
   */
  ensureAlert(alertId: number, options: EnsureAlertOptions = {}): ZdxAlert {
    const existing = this.data.alerts.get(alertId);
    if (existing) return existing;
    if (!Number.isSafeInteger(alertId) || alertId <= 0) throw new Error(`Alert id must be a positive integer (got ${alertId})`);
    const applicationId = options.applicationId ?? 1;
    const app = this.data.apps.get(applicationId);
    if (!app) throw new Error(`Unknown application ${applicationId}; known: ${[...this.data.apps.keys()].join(', ')}`);
    const count = options.deviceCount ?? 3;
    if (!Number.isInteger(count) || count < 0) throw new Error(`deviceCount must be a non-negative integer (got ${count})`);
    const deviceIds: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const profile = options.profiles?.[i] ?? profileFor(i);
      const pooled = this.data.pool.shift();
      const device = pooled !== undefined ? this.data.devices.get(pooled) : undefined;
      if (device) {
        device.profile = profile;
        if (!device.appIds.includes(applicationId)) device.appIds.push(applicationId);
        deviceIds.push(device.id);
      } else {
        deviceIds.push(addDevice(this.data, this.rng, profile, applicationId).id);
      }
    }
    const alert: ZdxAlert = {
      id: alertId,
      ruleName: options.ruleName ?? `Poor ${app.name} Page Fetch Time`,
      severity: options.severity ?? 'High',
      alertType: 'Application',
      status: 'Ongoing',
      startedOn: Math.floor(this.ctx.clock.now() / 1000) - 10 * 60,
      endedOn: 0,
      applicationId,
      deviceIds,
    };
    this.data.alerts.set(alertId, alert);
    return alert;
  }

  /** Changes what a device's deep traces show. */
  setDeviceProfile(deviceId: number, profile: DeviceProfile): void {
    const device = this.data.devices.get(deviceId);
    if (!device) throw new Error(`Unknown device ${deviceId}`);
    if (!(DEVICE_PROFILES as readonly string[]).includes(profile)) throw new Error(`Unknown profile "${profile}"`);
    device.profile = profile;
  }
}
