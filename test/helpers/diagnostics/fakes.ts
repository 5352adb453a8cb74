/**
 * Fakes for the diagnostics use cases: an in-memory ZDX tenant behind the real client, an alert
 * ledger, a device cooldown and an execution starter that record what they were asked.
 */
import type * as z from 'zod';
import { parseResponse, type RequestSpec } from '../../../lambdas/core/http/http-client.js';
import type { Clock } from '../../../lambdas/core/ports.js';
import type { AlertLedgerPort, ClaimOutcome } from '../../../lambdas/diagnostics/adapters/alert-ledger.js';
import type { CooldownClaim, DeviceCooldownPort } from '../../../lambdas/diagnostics/adapters/device-cooldown.js';
import type { DiagnosticsExecutionInput, ExecutionStarter } from '../../../lambdas/diagnostics/domain/workflow-input.js';
import type { DiagnosticsZdx } from '../../../lambdas/diagnostics/zdx-port.js';
import { ZdxClient } from '../../../lambdas/zscaler/zdx/client.js';

export interface FakeTrace {
  deviceId: string;
  traceId: string;
  /** The start's request body, as ZDX received it. */
  input: Record<string, unknown>;
  status: string;
}

/**
 * An in-memory ZDX tenant behind the real ZdxClient: it answers each request with a wire-shaped body
 * (snake_case, like the real API) that the client parses, so the use cases get exactly what the
 * client returns and a body of the wrong shape is the client's ResponseShapeError. Every request is
 * recorded in `calls`.
 */
export class FakeZdx implements DiagnosticsZdx {
  readonly calls: string[] = [];
  alert: unknown = { id: 7263519, rule_name: 'Poor Outlook Online Page Fetch Time', severity: 'High', alert_type: 'Application', application: { id: 4, name: 'Outlook Online' } };
  /** Affected devices, served in pages of `pageSize`. */
  affected: Array<Record<string, unknown>> = [];
  pageSize = 2;
  webProbes: Record<string, unknown[]> = {};
  cloudPathProbes: Record<string, unknown[]> = {};
  readonly traces: FakeTrace[] = [];
  /** Status a new trace has; tests change `traces[i].status` to move it on. */
  initialStatus = 'not_started';
  /** Result bodies by endpoint name; a function may throw to simulate a failing endpoint. */
  results: Record<string, unknown | (() => unknown)> = {};
  /** When set, `start` throws it (once per entry). */
  startErrors: Error[] = [];
  #nextTrace = 900001;

  readonly alerts: ZdxClient['alerts'];
  readonly devices: ZdxClient['devices'];
  readonly deepTraces: ZdxClient['deepTraces'];

  constructor() {
    const request = async <S extends z.ZodType>(spec: RequestSpec<S>): Promise<z.output<S>> => parseResponse(spec.schema, this.#answer(spec), `${spec.method} ${spec.path}`);
    const client = new ZdxClient({ http: { request }, tokens: { getToken: async () => 'token', invalidate: async () => undefined } });
    this.alerts = client.alerts;
    this.devices = client.devices;
    this.deepTraces = client.deepTraces;
  }

  /** The wire body ZDX would send for one request of the client. */
  #answer(spec: RequestSpec<z.ZodType>): unknown {
    const { alertId, deviceId, appId, traceId } = spec.params ?? {};
    const route = `${spec.method} ${spec.path.replace(/^\/v1/, '')}`;
    switch (route) {
      case 'GET /alerts/{alertId}':
        this.calls.push(`GET /alerts/${alertId}`);
        return this.alert;
      case 'GET /alerts/{alertId}/affected_devices': {
        // `loc` keeps the devices whose `location` field (a fake-only field, never sent by ZDX) matches.
        const loc = spec.query?.loc as readonly string[] | undefined;
        const devices = loc ? this.affected.filter((device) => loc.includes(String(device.location))) : this.affected;
        const offset = Number(spec.query?.offset ?? 0);
        this.calls.push(`GET /alerts/${alertId}/affected_devices?${loc ? `loc=${loc.join(',')}&` : ''}offset=${offset}`);
        const next = offset + this.pageSize;
        return { devices: devices.slice(offset, next), next_offset: next < devices.length ? next : null };
      }
      case 'GET /devices/{deviceId}/apps/{appId}/web-probes':
        this.calls.push(`GET /devices/${deviceId}/apps/${appId}/web-probes`);
        return this.webProbes[String(deviceId)] ?? [{ id: 11, name: 'Outlook Online Web Probe', num_probes: 60, avg_score: 41, avg_pft: 4700 }];
      case 'GET /devices/{deviceId}/apps/{appId}/cloudpath-probes':
        this.calls.push(`GET /devices/${deviceId}/apps/${appId}/cloudpath-probes`);
        return this.cloudPathProbes[String(deviceId)] ?? [{ id: 21, name: 'Outlook Online Cloud Path', num_probes: 60, avg_latencies: [{ leg_src: 'Client', leg_dst: 'Egress', latency: 185 }] }];
      case 'GET /devices/{deviceId}/deeptraces':
        this.calls.push(`GET /devices/${deviceId}/deeptraces`);
        return this.traces
          .filter((trace) => trace.deviceId === String(deviceId))
          .map((trace) => ({ trace_id: trace.traceId, status: trace.status, trace_details: { session_name: trace.input.session_name } }));
      case 'POST /devices/{deviceId}/deeptraces': {
        this.calls.push(`POST /devices/${deviceId}/deeptraces`);
        const error = this.startErrors.shift();
        const trace: FakeTrace = { deviceId: String(deviceId), traceId: String(this.#nextTrace++), input: spec.body as Record<string, unknown>, status: this.initialStatus };
        if (error?.message.includes('after-start')) {
          this.traces.push(trace);
          throw error;
        }
        if (error) throw error;
        this.traces.push(trace);
        return { trace_id: Number(trace.traceId), status: trace.status, expected_time: 300 };
      }
      case 'GET /devices/{deviceId}/deeptraces/{traceId}': {
        this.calls.push(`GET /devices/${deviceId}/deeptraces/${traceId}`);
        const trace = this.traces.find((candidate) => candidate.traceId === String(traceId));
        return { trace_id: traceId, status: trace?.status ?? 'unknown' };
      }
    }
    const result = /^GET \/devices\/\{deviceId\}\/deeptraces\/\{traceId\}\/([\w-]+)$/.exec(route)?.[1];
    if (!result) throw new Error(`the fake ZDX does not answer ${route}`);
    this.calls.push(`GET /devices/${deviceId}/deeptraces/${traceId}/${result}`);
    const value = this.results[result];
    return typeof value === 'function' ? (value as () => unknown)() : (value ?? []);
  }
}

/** An in-memory ledger with the DynamoDB ledger's semantics (first claim wins). */
export class FakeLedger implements AlertLedgerPort {
  readonly claims = new Map<string, { state: string; executionName: string }>();
  readonly recorded = new Set<string>();
  failClaims = false;

  async claimStart(alertId: string, details: { executionName: string }): Promise<ClaimOutcome> {
    if (this.failClaims) throw new Error('DynamoDB is unavailable');
    const current = this.claims.get(alertId);
    if (current) return { claimed: false, state: current.state, executionName: current.executionName };
    this.claims.set(alertId, { state: 'pending', executionName: details.executionName });
    return { claimed: true };
  }
  async markStarted(alertId: string): Promise<void> {
    const current = this.claims.get(alertId);
    if (current) current.state = 'started';
  }
  async abandonClaim(alertId: string): Promise<void> {
    if (this.claims.get(alertId)?.state === 'pending') this.claims.delete(alertId);
  }
  async recordStatus(alertId: string, status: string): Promise<boolean> {
    if (!this.claims.has(alertId)) this.claims.set(alertId, { state: 'ended', executionName: '' });
    const key = `${alertId}#${status}`;
    if (this.recorded.has(key)) return false;
    this.recorded.add(key);
    return true;
  }
}

/** Records every start; `fail` makes the next start throw. */
export class FakeStarter implements ExecutionStarter {
  readonly started: Array<{ name: string; input: DiagnosticsExecutionInput }> = [];
  fail: Error | undefined;

  async start(name: string, input: DiagnosticsExecutionInput): Promise<{ executionArn: string; alreadyStarted: boolean }> {
    if (this.fail) {
      const error = this.fail;
      this.fail = undefined;
      throw error;
    }
    const alreadyStarted = this.started.some((entry) => entry.name === name);
    if (!alreadyStarted) this.started.push({ name, input });
    return { executionArn: `arn:aws:states:eu-west-1:123456789012:execution:AlertDiagnostics:${name}`, alreadyStarted };
  }
}

/** A cooldown with the DynamoDB semantics, in memory. */
export class FakeCooldown implements DeviceCooldownPort {
  readonly holders = new Map<string, { claimant: string; alertId: string; until: number; tracedAt: number }>();
  constructor(private readonly clock: Clock) {}

  async claim(deviceId: string, holder: { claimant: string; alertId: string }, windowMinutes: number): Promise<CooldownClaim> {
    const now = this.clock.now();
    const current = this.holders.get(deviceId);
    if (current && current.until > now && current.claimant !== holder.claimant) {
      return { claimed: false, alertId: current.alertId, until: current.until, tracedAt: current.tracedAt };
    }
    this.holders.set(deviceId, { ...holder, until: now + windowMinutes * 60_000, tracedAt: now });
    return { claimed: true };
  }
}
