/**
 * The Zscaler API simulator: a stateful ZDX + ZCSPM server on 127.0.0.1 for tests, the sandbox and
 * benchmarks. `startSimulator()` returns its base URL (the ZDX host and the ZCSPM host at once),
 * the recorded calls, counters, the live config and control helpers. See README.md and
 * assumptions.ts for what it does where the public docs are silent.
 */
import type { AddressInfo } from 'node:net';
import { defaultConfig, mergeConfig, validateConfig, type DeepPartial, type SimulatorConfig } from './config.js';
import type { SimulatorClock, SimulatorContext } from './context.js';
import { createControlHandler } from './control.js';
import type { DeviceProfile } from './data/zdx-seed.js';
import { FaultPlan, type OneShotFault } from './faults.js';
import { ZdxRateLimit } from './rate-limit.js';
import { emptyCounters, type RecordedCall, type SimulatorCounters } from './recorder.js';
import { Router } from './router.js';
import { createSimulatorServer } from './server.js';
import { TokenStore } from './tokens.js';
import { registerZcspmRoutes } from './zcspm/routes.js';
import { ZcspmState, type FailedAssetSpec } from './zcspm/state.js';
import { registerZdxAuthRoutes } from './zdx/auth.js';
import { registerZidentityRoutes } from './zidentity.js';
import { registerDeepTraceRoutes, traceStatus } from './zdx/deep-traces.js';
import { registerZdxReportRoutes } from './zdx/reports.js';
import { historyVisibility, registerZdxHistoryRoutes, type HistoryVisibility } from './zdx/history.js';
import { ZdxState, type EnsureAlertOptions } from './zdx/state.js';

export { SIMULATOR_CREDENTIALS, FAULT_KINDS } from './config.js';
export type { DeepPartial, FaultKind, ScanOutcome, ScanOverride, SimulatedApi, SimulatorConfig, TraceOutcome, TraceResultShape } from './config.js';
export { ZIDENTITY_TOKEN_PATH } from './zidentity.js';
export type { SimulatorClock } from './context.js';
export { DEVICE_PROFILES, SEEDED_ALERT_ID, SECOND_ALERT_ID, type DeviceProfile } from './data/zdx-seed.js';
export { SEED_ACCOUNTS } from './data/zcspm-seed.js';
export { SIMULATED_CRASH_HEADER, type OneShotFault } from './faults.js';
export type { RecordedCall, SimulatorCounters } from './recorder.js';
export type { FailedAssetSpec } from './zcspm/state.js';
export type { EnsureAlertOptions } from './zdx/state.js';
export { zdxKeySecretHash } from './zdx/auth.js';

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  /** Port on 127.0.0.1; 0 or absent = a free port. */
  port?: number;
  /** Seed of every generated value (data, drift, random faults unless `config.faults.seed`). Default 1. */
  seed?: number;
  /** Overrides of the default config (deep-merged). */
  config?: DeepPartial<SimulatorConfig>;
  /** Clock for token expiry, windows, scans and traces (default: `Date.now`). Timers are real. */
  clock?: SimulatorClock;
}

/** A ZCSPM account as the control API reports it. */
export interface SimulatedAccount {
  accountId: string;
  accountName: string;
  connectorType: string;
  awsAccountId: string | undefined;
  inApiScope: boolean;
}

/** A started simulator: its URL, recordings, counters, live config and control helpers. */
export interface RunningSimulator {
  /**
   * `http://127.0.0.1:<port>`: the ZDX base host (paths `/v1/...`), the OneAPI gateway (ZDX under
   * `/zdx/v1/...`), the ZIdentity host (`/oauth2/v1/token`) and the ZCSPM base host.
   */
  readonly url: string;
  readonly port: number;
  readonly seed: number;
  /** Every API call answered (live array; clear with `resetCalls()`). */
  readonly calls: RecordedCall[];
  readonly counters: SimulatorCounters;
  /** The live configuration; prefer `update()` to change it (validated). */
  readonly config: SimulatorConfig;
  /** Deep-merges `patch` into the live config; throws (and changes nothing) when invalid. */
  update(patch: DeepPartial<SimulatorConfig>): void;
  /** Clears the recorded calls (counters stay). */
  resetCalls(): void;
  /** Zeroes the counters. */
  resetCounters(): void;
  readonly faults: {
    /** The next `count` requests matching `path` get `kind`. */
    inject(rule: OneShotFault): void;
    pending(): number;
    clear(): void;
  };
  /** Sandbox helper: ZCSPM account id of an AWS account, onboarding a simulated one if unknown. */
  ensureAwsAccount(awsAccountId: string): string;
  /** Sandbox helper: the alert `alertId`, seeded as ongoing with affected devices if unknown. */
  ensureAlert(alertId: number, options?: EnsureAlertOptions): { alertId: number; applicationId: number; deviceIds: number[] };
  readonly zdx: {
    setDeviceProfile(deviceId: number, profile: DeviceProfile): void;
    /** How plainly the device's probe history shows its root cause (see zdx/history.ts). */
    historyVisibility(deviceId: number): HistoryVisibility;
    /** Overrides {@link historyVisibility} for one device. */
    setHistoryVisibility(deviceId: number, visibility: HistoryVisibility): void;
    /** Ids of the devices affected by an alert. */
    affectedDeviceIds(alertId: number): number[];
    /** Deep traces active right now (not_started, started, in_progress). */
    activeTraceCount(): number;
    /** Every trace (deleted ones excluded) with its current status. */
    traces(): { traceId: string; deviceId: number; appId: number; status: string }[];
    /** Invalidates every ZDX token issued so far. */
    revokeTokens(): number;
    /** Forgets the rate-limit windows. */
    resetRateLimit(): void;
  };
  readonly zcspm: {
    accounts(): SimulatedAccount[];
    /** Makes resources fail in scans of the account that complete from now on. */
    addFailedAssets(accountId: string, assets: FailedAssetSpec[]): void;
    clearFailedAssets(accountId: string, resourceIds?: string[]): void;
    /** The next scan of the account ends with `outcome` / lasts `durationMs` (scaled by timeScale). */
    setNextScan(accountId: string, override: { outcome?: 'success' | 'failed' | 'never'; durationMs?: number; legacyCompleted?: boolean }): void;
    /** Invalidates every ZCSPM token issued so far. */
    revokeTokens(): number;
  };
  close(): Promise<void>;
}

/** Starts a simulator on 127.0.0.1 and resolves when it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const seed = options.seed ?? 1;
  const config = defaultConfig();
  config.faults.seed = seed;
  mergeConfig(config, options.config);
  validateConfig(config);

  const ctx: SimulatorContext = {
    config,
    seed,
    clock: options.clock ?? { now: () => Date.now() },
    counters: emptyCounters(),
    tokens: new TokenStore(),
  };
  const zdx = new ZdxState(ctx);
  const zcspm = new ZcspmState(ctx);
  const router = new Router();
  registerZdxAuthRoutes(router, ctx);
  registerZidentityRoutes(router, ctx);
  registerZdxReportRoutes(router, ctx, zdx);
  registerZdxHistoryRoutes(router, ctx, zdx);
  registerDeepTraceRoutes(router, ctx, zdx);
  registerZcspmRoutes(router, ctx, zcspm);

  const calls: RecordedCall[] = [];
  const faults = new FaultPlan(config);
  const rateLimit = new ZdxRateLimit(config);

  const accounts = (): SimulatedAccount[] =>
    [...zcspm.accounts.values()].map((a) => ({ accountId: a.accountId, accountName: a.accountName, connectorType: a.connectorType, awsAccountId: a.awsAccountId, inApiScope: a.inApiScope }));

  let simulator: RunningSimulator | undefined;
  const control = createControlHandler(() => {
    if (!simulator) throw new Error('Simulator not started');
    return simulator;
  });
  const { server, pendingTimers } = createSimulatorServer({ ctx, router, faults, rateLimit, calls, control });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  simulator = {
    url: `http://127.0.0.1:${port}`,
    port,
    seed,
    calls,
    counters: ctx.counters,
    config,
    update(patch) {
      const candidate = mergeConfig(structuredClone(config), patch);
      validateConfig(candidate);
      mergeConfig(config, patch);
    },
    resetCalls() {
      calls.length = 0;
    },
    resetCounters() {
      Object.assign(ctx.counters, emptyCounters());
    },
    faults: {
      inject: (rule) => faults.inject(rule),
      pending: () => faults.pending(),
      clear: () => faults.clear(),
    },
    ensureAwsAccount: (awsAccountId) => zcspm.ensureAwsAccount(awsAccountId),
    ensureAlert(alertId, alertOptions) {
      const alert = zdx.ensureAlert(alertId, alertOptions);
      return { alertId: alert.id, applicationId: alert.applicationId, deviceIds: [...alert.deviceIds] };
    },
    zdx: {
      setDeviceProfile: (deviceId, profile) => zdx.setDeviceProfile(deviceId, profile),
      historyVisibility: (deviceId) => historyVisibility(seed, zdx.data.devices.get(deviceId) ?? { id: deviceId, profile: 'healthy' }, zdx.historyVisibility),
      setHistoryVisibility: (deviceId, visibility) => void zdx.historyVisibility.set(deviceId, visibility),
      affectedDeviceIds(alertId) {
        const alert = zdx.data.alerts.get(alertId);
        if (!alert) throw new Error(`Unknown alert ${alertId}`);
        return [...alert.deviceIds];
      },
      activeTraceCount: () => zdx.traces.activeCount(ctx.clock.now()),
      traces: () => zdx.traces.all().map((t) => ({ traceId: t.traceId, deviceId: t.deviceId, appId: t.appId, status: traceStatus(t, ctx.clock.now()) })),
      revokeTokens: () => ctx.tokens.revokeAll('zdx'),
      resetRateLimit: () => rateLimit.reset(),
    },
    zcspm: {
      accounts,
      addFailedAssets: (accountId, assets) => zcspm.addFailedAssets(accountId, assets),
      clearFailedAssets: (accountId, resourceIds) => zcspm.clearFailedAssets(accountId, resourceIds),
      setNextScan: (accountId, override) => zcspm.setNextScan(accountId, override),
      revokeTokens: () => ctx.tokens.revokeAll('zcspm'),
    },
    async close() {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
  return simulator;
}
