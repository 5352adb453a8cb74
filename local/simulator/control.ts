/**
 * How a simulator is controlled: programmatically through {@link RunningSimulator} (what
 * `startSimulator()` returns), and over HTTP under `/__sim/` for a simulator running in another
 * process (e.g. started with `npm run simulator`), which mirrors those helpers; the control calls
 * are neither recorded nor faulted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import { FAULT_KINDS, type DeepPartial, type SimulatorConfig } from './config.js';
import { DEVICE_PROFILES, type DeviceProfile } from './data/zdx-seed.js';
import type { OneShotFault } from './faults.js';
import type { RecordedCall, SimulatorCounters } from './recorder.js';
import type { FailedAssetSpec } from './zcspm/state.js';
import type { HistoryVisibility } from './zdx/history.js';
import type { EnsureAlertOptions } from './zdx/state.js';

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

const FaultSchema = z.object({
  kind: z.enum(FAULT_KINDS),
  path: z.string().min(1),
  count: z.number().int().positive().optional(),
  api: z.enum(['zdx', 'zcspm']).optional(),
  method: z.string().optional(),
});
const FailedAssetsSchema = z.object({
  assets: z.array(
    z.object({
      resourceId: z.string().min(1),
      policyId: z.string().optional(),
      resourceType: z.string().optional(),
      resourceName: z.string().optional(),
      region: z.string().optional(),
      tags: z.record(z.string(), z.string()).optional(),
    }),
  ),
});
const NextScanSchema = z.object({
  outcome: z.enum(['success', 'failed', 'never']).optional(),
  durationMs: z.number().nonnegative().optional(),
  legacyCompleted: z.boolean().optional(),
});
const EnsureAlertSchema = z.object({
  deviceCount: z.number().int().nonnegative().optional(),
  applicationId: z.number().int().positive().optional(),
  profiles: z.array(z.enum(DEVICE_PROFILES)).optional(),
});
const ProfileSchema = z.object({ profile: z.enum(DEVICE_PROFILES) });

type ControlResult = { status: number; body: unknown };

function parse<S extends z.ZodType>(schema: S, raw: string): z.infer<S> {
  let value: unknown;
  try {
    value = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch {
    throw new ControlError('The request body is not valid JSON');
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new ControlError(result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
  return result.data;
}

class ControlError extends Error {}

/** Builds the `/__sim/` request handler; `sim` is resolved lazily (the server starts first). */
export function createControlHandler(sim: () => RunningSimulator) {
  return async (req: IncomingMessage, res: ServerResponse, path: string, raw: string): Promise<boolean> => {
    if (!path.startsWith('/__sim/')) return false;
    const method = (req.method ?? 'GET').toUpperCase();
    const route = `${method} ${path.slice('/__sim'.length)}`;
    let result: ControlResult;
    try {
      result = dispatch(sim(), route, raw);
    } catch (error) {
      result = { status: 400, body: { message: error instanceof Error ? error.message : String(error) } };
    }
    res.writeHead(result.status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(result.body));
    return true;
  };
}

function dispatch(s: RunningSimulator, route: string, raw: string): ControlResult {
  const ok = (body: unknown = { ok: true }): ControlResult => ({ status: 200, body });
  let m: RegExpExecArray | null;
  if (route === 'GET /calls') return ok(s.calls);
  if (route === 'DELETE /calls') {
    s.resetCalls();
    return ok();
  }
  if (route === 'GET /counters') return ok(s.counters);
  if (route === 'GET /config') return ok(s.config);
  if (route === 'PATCH /config') {
    s.update(parse(z.record(z.string(), z.unknown()), raw));
    return ok(s.config);
  }
  if (route === 'POST /faults') {
    s.faults.inject(parse(FaultSchema, raw));
    return ok({ pending: s.faults.pending() });
  }
  if (route === 'DELETE /faults') {
    s.faults.clear();
    return ok();
  }
  if (route === 'GET /zcspm/accounts') return ok(s.zcspm.accounts());
  if ((m = /^POST \/zcspm\/aws-accounts\/(\d{12})$/.exec(route))) return ok({ accountId: s.ensureAwsAccount(m[1] as string) });
  if ((m = /^POST \/zcspm\/accounts\/([0-9a-fA-F-]{36})\/failed-assets$/.exec(route))) {
    s.zcspm.addFailedAssets(m[1] as string, parse(FailedAssetsSchema, raw).assets);
    return ok();
  }
  if ((m = /^DELETE \/zcspm\/accounts\/([0-9a-fA-F-]{36})\/failed-assets$/.exec(route))) {
    s.zcspm.clearFailedAssets(m[1] as string);
    return ok();
  }
  if ((m = /^POST \/zcspm\/accounts\/([0-9a-fA-F-]{36})\/next-scan$/.exec(route))) {
    s.zcspm.setNextScan(m[1] as string, parse(NextScanSchema, raw));
    return ok();
  }
  if (route === 'POST /zcspm/revoke-tokens') return ok({ revoked: s.zcspm.revokeTokens() });
  if ((m = /^POST \/zdx\/alerts\/(\d+)$/.exec(route))) return ok(s.ensureAlert(Number(m[1]), parse(EnsureAlertSchema, raw)));
  if ((m = /^PUT \/zdx\/devices\/(\d+)\/profile$/.exec(route))) {
    s.zdx.setDeviceProfile(Number(m[1]), parse(ProfileSchema, raw).profile);
    return ok();
  }
  if (route === 'GET /zdx/traces') return ok(s.zdx.traces());
  if (route === 'POST /zdx/revoke-tokens') return ok({ revoked: s.zdx.revokeTokens() });
  return { status: 404, body: { message: `Unknown control route ${route}` } };
}
