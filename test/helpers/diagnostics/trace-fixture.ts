/**
 * The six deep-trace result bodies of a laptop on weak Wi-Fi (test/fixtures/diagnostics): as ZDX
 * sends them (snake_case, keyed by endpoint name), and as the client returns them.
 */
import { readFileSync } from 'node:fs';
import type { TraceResults } from '../../../lambdas/diagnostics/domain/trace-results.js';
import {
  CloudPathMetricsSchema,
  CloudPathSchema,
  DeviceEventsSchema,
  HealthMetricsSchema,
  TopProcessesSchema,
  WebProbeMetricsSchema,
} from '../../../lambdas/zscaler/zdx/schemas.js';

export const poorWifiWire = JSON.parse(readFileSync(new URL('../../fixtures/diagnostics/deep-trace-results-poor-wifi.json', import.meta.url), 'utf8')) as Record<string, unknown>;

/** The fixture through the client's schemas: what `deepTraces.*` resolves to for this trace. */
export const poorWifiResults = {
  webProbeMetrics: WebProbeMetricsSchema.parse(poorWifiWire['webprobe-metrics']),
  cloudPathMetrics: CloudPathMetricsSchema.parse(poorWifiWire['cloudpath-metrics']),
  cloudPath: CloudPathSchema.parse(poorWifiWire.cloudpath),
  healthMetrics: HealthMetricsSchema.parse(poorWifiWire['health-metrics']),
  events: DeviceEventsSchema.parse(poorWifiWire.events),
  topProcesses: TopProcessesSchema.parse(poorWifiWire['top-processes']),
} satisfies TraceResults;
