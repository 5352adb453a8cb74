/**
 * Benchmark (not a test): latency of the warm AlertIntake handler, AWS calls excluded.
 *
 * The real handler module (middy chain, Powertools logger, zod parsing, constant-time credential
 * check, dedupe and start) answers a stream of distinct STARTED alerts; its AWS calls (DynamoDB
 * conditional put, Secrets Manager, StartExecution) are answered in-process by aws-sdk-client-mock,
 * so the figures are what the function itself adds on top of them. Warm: the first requests are
 * discarded.
 *
 * Run alone: `npx tsx bench/webhook-latency.ts`; `npm run bench` calls {@link runWebhookLatencyBenchmark}.
 */
import { pathToFileURL } from 'node:url';
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { percentile, round } from './lib/stats.js';
import { formatTable } from './lib/table.js';

/** The figures `npm run bench -- --json` reports under `webhookLatencyMs`. */
export interface WebhookLatencyFigures {
  readonly p50: number;
  readonly p99: number;
}

export interface WebhookLatencyReport {
  readonly figures: WebhookLatencyFigures;
  readonly requests: number;
  readonly warmup: number;
  readonly maxMs: number;
}

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:AlertDiagnostics';
const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:zsa/webhook-AbCdEf';
const TOKEN = 'bench-webhook-token-0123456789';

function event(alertId: number) {
  return {
    version: '2.0',
    routeKey: 'ANY /zdx/alerts',
    rawPath: '/zdx/alerts',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    requestContext: { http: { method: 'POST', path: '/zdx/alerts' }, requestId: `bench-${alertId}` },
    body: JSON.stringify({
      alertId,
      ruleName: 'Poor Outlook Online Page Fetch Time',
      status: 'STARTED',
      severity: 'High',
      alertType: 'Application',
      startTime: 1763800920,
      zdxUrl: `https://admin.zdxcloud.net/zdx/alerts/${alertId}`,
      impactedDeviceCount: 3,
      criteria: { op: 'AND', conditions: [{ conditionString: 'Page Fetch Time > 3000 ms', isHit: true, stats: { min: 3120, max: 8410, avg: 4975 } }] },
      criteriaString: 'Page Fetch Time > 3000 ms',
    }),
    isBase64Encoded: false,
  };
}

function context() {
  return { functionName: 'AlertIntake', awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000, invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:AlertIntake' };
}

/** Measures `requests` warm invocations after `warmup` discarded ones. */
export async function runWebhookLatencyBenchmark(options: { requests?: number; warmup?: number } = {}): Promise<WebhookLatencyReport> {
  const requests = options.requests ?? 2_000;
  const warmup = options.warmup ?? 200;
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    TABLE_NAME: 'bench-state',
    WEBHOOK_SECRET_ARN: SECRET,
    DIAGNOSTICS_STATE_MACHINE_ARN: STATE_MACHINE,
    DIAGNOSTICS_SETTINGS: '{}',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  const stubs = [mockClient(DynamoDBClient), mockClient(SecretsManagerClient), mockClient(SFNClient)] as const;
  stubs[0].on(PutItemCommand).resolves({}).on(UpdateItemCommand).resolves({});
  stubs[1].on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ bearerToken: TOKEN }) });
  stubs[2].on(StartExecutionCommand).callsFake((input: { name?: string }) => ({ executionArn: `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:${input.name}`, startDate: new Date() }));
  try {
    const { handler } = (await import('../lambdas/diagnostics/handlers/alert-intake.js')) as { handler: (event: unknown, context: unknown) => Promise<{ statusCode: number }> };
    const samples: number[] = [];
    for (let index = 0; index < warmup + requests; index++) {
      const started = performance.now();
      const response = await handler(event(1_000_000 + index), context());
      const elapsed = performance.now() - started;
      if (response.statusCode !== 202) throw new Error(`request ${index} answered ${response.statusCode}`);
      if (index >= warmup) samples.push(elapsed);
    }
    return {
      figures: { p50: round(percentile(samples, 50), 3), p99: round(percentile(samples, 99), 3) },
      requests,
      warmup,
      maxMs: round(Math.max(...samples), 3),
    };
  } finally {
    for (const stub of stubs) stub.restore();
  }
}

/** The table `npm run bench` prints. */
export function formatWebhookLatencyReport(report: WebhookLatencyReport): string {
  return `Warm webhook latency (AlertIntake handler, AWS calls answered in-process)\n${formatTable(
    ['requests', 'p50 ms', 'p99 ms', 'max ms'],
    [[report.requests, report.figures.p50, report.figures.p99, report.maxMs]],
  )}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = await runWebhookLatencyBenchmark();
  process.stdout.write(`${formatWebhookLatencyReport(report)}\n${JSON.stringify(report.figures)}\n`);
}
