import { Template } from 'aws-cdk-lib/assertions';
import { METRICS_NAMESPACE, PIPELINE_METRIC_NAMES } from '../../../lambdas/core/observability/metrics.js';
import { newIntegrationStack } from '../support.js';

const stack = newIntegrationStack({ diagnostics: { zdxRatePerMinute: 60 } });
const template = Template.fromStack(stack);

/** The dashboard body with the deploy-time references left as placeholders. */
function body(): string {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as Array<{ Properties: { DashboardBody: unknown } }>;
  const joined = dashboard!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  return joined['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '<ref>')).join('');
}

describe('OperationsDashboard', () => {
  it('is created by the central stack, with a generated name given as an output', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasOutput('DashboardName', { Value: { Ref: stack.getLogicalId(stack.dashboard.dashboard.node.defaultChild as never) } });
  });

  it('graphs every pipeline figure from the shared definition', () => {
    const text = body();

    expect([...stack.dashboard.pipelineMetricsRead].sort()).toEqual([...PIPELINE_METRIC_NAMES].sort());
    for (const name of PIPELINE_METRIC_NAMES) expect([`"${name}"`, `MetricName=\\"${name}\\"`].some((quoted) => text.includes(quoted))).toBe(true);
    expect(text).toContain(`"${METRICS_NAMESPACE}"`);
  });

  it('shows compliance per account and alerts per verdict through searches, so no account is listed at deploy time', () => {
    const text = body();

    expect(text).toContain(`SEARCH('{${METRICS_NAMESPACE},AwsAccountId,service} MetricName=\\"CompliancePercent\\"`);
    expect(text).toContain(`SEARCH('{${METRICS_NAMESPACE},Verdict,service} MetricName=\\"AlertsDiagnosed\\"`);
  });

  it('draws the tenant\'s per-minute ZDX limit on the budget graph', () => {
    expect(body()).toContain('"annotations":{"horizontal":[{"value":60,"label":"tenant limit per minute"');
  });

  it('shows every dead-letter queue\'s depth and both state machines\' failed, timed-out and aborted executions', () => {
    const text = body();
    const queues = Object.keys(template.findResources('AWS::SQS::Queue')).length;

    expect(text.match(/"AWS\/SQS","ApproximateNumberOfMessagesVisible"/g)).toHaveLength(queues);
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
      expect(text.match(new RegExp(`"AWS/States","${metric}"`, 'g'))).toHaveLength(2);
    }
  });
});
