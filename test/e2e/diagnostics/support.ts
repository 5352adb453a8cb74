/** Shared arrangements of the diagnostics e2e tests (not a test file). */
import { readFileSync } from 'node:fs';
import type { DiagnosticsReport } from '../../../lambdas/notify/results.js';
import { DiagnosticsPipelineHarness, type DiagnosticsHarnessOptions, type DiagnosticsOutcome } from '../../../local/sandbox/diagnostics/harness.js';

/** The shared webhook fixture (alert 7263519, STARTED, High, Page Fetch Time > 3000 ms). */
export const STARTED_ALERT = readFileSync(new URL('../../fixtures/events/zdx-webhook-alert-started.json', import.meta.url), 'utf8');

/** The fixture with another alert id (and any other field changed). */
export function alertBody(alertId: number, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...(JSON.parse(STARTED_ALERT) as object), alertId, zdxUrl: `https://admin.zdxcloud.net/zdx/alerts/${alertId}`, ...overrides });
}

/**
 * The pipeline on the test run's DynamoDB Local, with simulator limits high enough that only
 * injected faults cause 429s, and only the SNS channel on (one message per result).
 */
export async function startHarness(options: DiagnosticsHarnessOptions = {}): Promise<DiagnosticsPipelineHarness> {
  const harness = await DiagnosticsPipelineHarness.start({
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
    zdxRate: { perSecond: 200, perMinute: 20_000 },
    ...options,
    simulator: { zdx: { rateLimit: { perSecond: 1_000, perMinute: 100_000 } } },
    config: { ...options.config, notifications: { slack: { enabled: false }, sns: { enabled: true }, eventBridge: { enabled: false } } },
  });
  if (options.simulator) harness.simulator.update(options.simulator);
  return harness;
}

/** The outcome of the execution named `name` (after `idle()`). */
export function outcomeOf(harness: DiagnosticsPipelineHarness, name: string): DiagnosticsOutcome {
  const outcome = harness.outcomes().find((candidate) => candidate.executionName === name);
  if (!outcome) throw new Error(`no finished execution ${name}; have ${harness.outcomes().map((candidate) => candidate.executionName).join(', ')}`);
  return outcome;
}

/** The report of the execution named `name`, failing the test when there is none. */
export function reportOf(harness: DiagnosticsPipelineHarness, name: string): DiagnosticsReport {
  const outcome = outcomeOf(harness, name);
  if (!outcome.report) throw new Error(`${name} produced no report: ${JSON.stringify(outcome.failure)}`);
  return outcome.report;
}

/** Deep traces started so far, over all devices. */
export function tracesStarted(harness: DiagnosticsPipelineHarness): number {
  return Object.values(harness.simulator.counters.tracesStarted).reduce((sum, count) => sum + count, 0);
}
