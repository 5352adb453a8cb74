/**
 * The part of the ZDX client the diagnostics use cases call, as a port: the client's own methods,
 * so the real client plugs in as is and every response is parsed once, by the client's schemas (a
 * shape surprise is its ResponseShapeError, naming the endpoint and the field).
 */
import type { ZdxAlerts, ZdxAnalysis, ZdxDeepTraces, ZdxDevices } from '../zscaler/zdx/client.js';

export interface DiagnosticsZdx {
  readonly alerts: Pick<ZdxAlerts, 'get' | 'affectedDevices'>;
  readonly devices: Pick<ZdxDevices, 'webProbes' | 'cloudPathProbes' | 'webProbeHistory' | 'cloudPathHistory' | 'healthMetrics' | 'events'>;
  readonly deepTraces: Pick<
    ZdxDeepTraces,
    'list' | 'start' | 'get' | 'webProbeMetrics' | 'cloudPathMetrics' | 'cloudPath' | 'healthMetrics' | 'events' | 'topProcesses'
  >;
  /** Zscaler's score analysis, where the tenant offers it. */
  readonly analysis?: Pick<ZdxAnalysis, 'start' | 'get'>;
}

/** A ZDX score (0..100) that carries data; undefined for ZDX's -1 ("no data") and for anything not a number. */
export function scoreWithData(score: unknown): number | undefined {
  return typeof score === 'number' && Number.isFinite(score) && score >= 0 ? score : undefined;
}
