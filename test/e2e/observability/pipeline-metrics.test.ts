import { randomUUID } from 'node:crypto';
import { METRICS_NAMESPACE, METRICS_SERVICE, PIPELINE_METRICS, PIPELINE_METRIC_NAMES, type PipelineMetric } from '../../../lambdas/core/observability/metrics.js';
import { ScanPipelineHarness } from '../../../local/sandbox/scan-harness.js';
import { stackEvent, withScanTimeout } from '../../helpers/scan/fakes.js';
import { newIntegrationStack } from '../../infra/support.js';
import { captureOutput } from '../../unit/core/observability/capture-output.js';
import { STARTED_ALERT, startHarness } from '../diagnostics/support.js';

/** One figure as found in an EMF line on stdout. */
interface EmittedMetric {
  readonly name: string;
  readonly value: unknown;
  readonly dimensions: Readonly<Record<string, string>>;
}

const ACCOUNTS = { ok: '300000000001', failed: '300000000002', never: '300000000003' } as const;

/** Every figure of every EMF line in `text` (other lines, e.g. log lines, are skipped). */
function emfMetrics(text: string): EmittedMetric[] {
  return text
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    })
    .filter((entry) => typeof entry._aws === 'object' && entry._aws !== null)
    .flatMap((entry) => {
      const directives = (entry._aws as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> }).CloudWatchMetrics;
      return directives.flatMap((directive) =>
        directive.Metrics.map((metric) => ({
          name: metric.Name,
          value: entry[metric.Name],
          namespace: directive.Namespace,
          dimensions: Object.fromEntries((directive.Dimensions[0] ?? []).map((dimension) => [dimension, String(entry[dimension])])),
        })),
      );
    })
    .filter((metric) => metric.namespace === METRICS_NAMESPACE);
}

const emitted: EmittedMetric[] = [];
/** What one FirstLook invocation printed on its own (on Lambda each function flushes only what it counted). */
const firstLookEmitted: EmittedMetric[] = [];

beforeAll(async () => {
  // The harnesses keep EMF off stdout unless told otherwise; handlers read this when first loaded.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const output = captureOutput();
  try {
    const scans = await ScanPipelineHarness.start({
      awsAccounts: Object.values(ACCOUNTS),
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
      // Scans last about 120 ms here; a scan still running after 10 s has timed out.
      scanSettings: withScanTimeout(10),
    });
    try {
      const deploy = (account: string) =>
        scans.deliver(stackEvent({ account, region: 'eu-west-1', stackUuid: randomUUID(), token: `token-${randomUUID()}` }));
      // A scan of about 4 s, so a status check sees it running before one sees it done (the detection
      // delay needs both) however slow the machine, and it still ends well before the 10 s deadline.
      scans.simulator.zcspm.setNextScan(scans.mappings[ACCOUNTS.ok] as string, { durationMs: 4_000_000 });
      scans.simulator.zcspm.setNextScan(scans.mappings[ACCOUNTS.failed] as string, { outcome: 'failed' });
      scans.simulator.zcspm.setNextScan(scans.mappings[ACCOUNTS.never] as string, { outcome: 'never' });
      for (const account of Object.values(ACCOUNTS)) await deploy(account);
      await scans.idle();
      await deploy(ACCOUNTS.ok);
      await scans.idle();
    } finally {
      await scans.close();
    }
    const diagnostics = await startHarness();
    try {
      await diagnostics.deliverWebhook(STARTED_ALERT);
      await diagnostics.idle();
      // In this one process every handler shares the Metrics instance; invoked alone, FirstLook must flush its own figures.
      const firstLook = diagnostics.runner.taskRuns.find((run) => run.stateName === 'FirstLook');
      if (!firstLook) throw new Error('the alert ran no FirstLook task');
      const printedBefore = output.text().length;
      await diagnostics.runner.invoke(firstLook.functionLogicalId, firstLook.input);
      firstLookEmitted.push(...emfMetrics(output.text().slice(printedBefore)));
    } finally {
      await diagnostics.close();
    }
  } finally {
    output.restore();
    delete process.env.POWERTOOLS_METRICS_DISABLED;
  }
  emitted.push(...emfMetrics(output.text()));
}, 120_000);

describe('pipeline metrics (EMF on stdout of the real handlers, run by the sandbox harnesses)', () => {
  it('emits every figure the dashboard reads', () => {
    const dashboard = newIntegrationStack().dashboard;

    const missing = [...dashboard.pipelineMetricsRead].filter((name) => !emitted.some((metric) => metric.name === name));

    expect(dashboard.pipelineMetricsRead.size).toBe(PIPELINE_METRIC_NAMES.length);
    expect(missing).toEqual([]);
  });

  it('keeps dimensions bounded: service on every figure, plus only the account on compliance and the verdict on alerts', () => {
    const ours = emitted.filter((metric) => (PIPELINE_METRIC_NAMES as string[]).includes(metric.name));

    for (const metric of ours) {
      const extra = PIPELINE_METRICS[metric.name as PipelineMetric].dimension;
      expect(Object.keys(metric.dimensions).sort()).toEqual(['service', ...(extra ? [extra] : [])].sort());
      expect(metric.dimensions.service).toBe(METRICS_SERVICE);
    }
    const accounts = new Set(ours.filter((metric) => metric.name === 'CompliancePercent').map((metric) => metric.dimensions.AwsAccountId));
    expect(accounts).toEqual(new Set([ACCOUNTS.ok]));
    const verdicts = ours.filter((metric) => metric.name === 'AlertsDiagnosed').map((metric) => metric.dimensions.Verdict);
    expect(verdicts.length).toBeGreaterThan(0);
    for (const verdict of verdicts) expect(['device', 'network', 'zscaler', 'application', 'unknown']).toContain(verdict);
  });

  it('flushes the ZDX calls of a FirstLook invocation in that invocation', () => {
    const admitted = firstLookEmitted.filter((metric) => metric.name === 'ZdxCallsAdmitted');

    expect(admitted.length).toBeGreaterThan(0);
    expect(admitted.every((metric) => [metric.value].flat().every((value) => Number(value) > 0))).toBe(true);
  });

  it('counts what happened: two scans completed, one failed, one timed out, three deep traces started', () => {
    const sum = (name: PipelineMetric) =>
      emitted.filter((metric) => metric.name === name).reduce((total, metric) => total + [metric.value].flat().reduce((a: number, b) => a + Number(b), 0), 0);

    expect(sum('ScansStarted')).toBe(4);
    expect(sum('ScansCompleted')).toBe(2);
    expect(sum('ScansFailed')).toBe(1);
    expect(sum('ScansTimedOut')).toBe(1);
    expect(sum('DeepTracesStarted')).toBe(3);
    expect(sum('AlertsDiagnosed')).toBe(1);
  });
});
