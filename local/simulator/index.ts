/**
 * The Zscaler API simulator: a stateful ZDX + ZCSPM server on 127.0.0.1 for tests, the sandbox and
 * benchmarks. `startSimulator()` returns its base URL (the ZDX host and the ZCSPM host at once),
 * the recorded calls, counters, the live config and control helpers. See README.md and
 * assumptions.ts for what it does where the public docs are silent.
 */
import type { AddressInfo } from 'node:net';
import { defaultConfig, mergeConfig, validateConfig, type DeepPartial, type SimulatorConfig } from './config.js';
import type { SimulatorClock, SimulatorContext } from './context.js';
import { createControlHandler, type RunningSimulator, type SimulatedAccount } from './control.js';
import { FaultPlan } from './faults.js';
import { ZdxRateLimit } from './rate-limit.js';
import { emptyCounters, type RecordedCall } from './recorder.js';
import { Router } from './router.js';
import { createSimulatorServer } from './server.js';
import { TokenStore } from './tokens.js';
import { registerZcspmRoutes } from './zcspm/routes.js';
import { ZcspmState } from './zcspm/state.js';
import { registerZdxAuthRoutes } from './zdx/auth.js';
import { registerZidentityRoutes } from './zidentity.js';
import { registerDeepTraceRoutes, traceStatus } from './zdx/deep-traces.js';
import { registerZdxReportRoutes } from './zdx/reports.js';
import { historyVisibility, registerZdxHistoryRoutes } from './zdx/history.js';
import { ZdxState } from './zdx/state.js';

export { SIMULATOR_CREDENTIALS, FAULT_KINDS } from './config.js';
export type { DeepPartial, FaultKind, ScanOutcome, ScanOverride, SimulatedApi, SimulatorConfig, TraceOutcome, TraceResultShape } from './config.js';
export { ZIDENTITY_TOKEN_PATH } from './zidentity.js';
export type { SimulatorClock } from './context.js';
export type { RunningSimulator, SimulatedAccount } from './control.js';
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
  registerZdxHistoryRoutes(router, ctx, zdx.data, zdx.historyVisibility);
  registerDeepTraceRoutes(router, ctx, zdx.data, zdx.traces);
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
