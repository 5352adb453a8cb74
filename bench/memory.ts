/**
 * Benchmark (not a test): peak memory (RSS) of every Lambda over a representative run.
 *
 * Each function runs as its CDK bundle in its own long-lived Node process (a simulated container,
 * bench/lib/lambda-container.ts) with exactly its environment from the synthesized template. Both
 * pipelines then run end to end, as in the sandbox, except that every task goes to those
 * containers: the synthesized PostDeployScan and AlertDiagnostics state machines run in
 * aws-local-stepfunctions (local/sandbox/state-machine-runner.ts), ZDX and ZCSPM are the simulator,
 * DynamoDB is DynamoDB Local, and the AWS APIs without an emulator (Secrets Manager, Step Functions'
 * StartExecution, SNS, EventBridge, CloudFormation) and Slack are answered over HTTPS by
 * bench/lib/aws-stand-in.ts. The run: one CREATE_COMPLETE event (a scan polled to Success, report,
 * Slack + SNS + EventBridge notifications), one STARTED alert webhook (3 devices traced, diagnosed,
 * notified) and one manual request for a second alert (4 devices).
 *
 * `peakRssMb` is the container's peak resident set size over the whole run (what Lambda reports as
 * "Max Memory Used"). A handler that no synthesized function uses is only imported, and says so.
 * The simulator's and the shared budget's ZDX rate limits are lifted here: waiting is not memory.
 * One container per function serves its invocations one at a time (Lambda would start more for a
 * Map state's parallel items), so a container's peak covers several invocations: an upper bound.
 *
 * Run alone: `npx tsx bench/memory.ts` (bundles first, like `npm run bench`).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { Stack } from 'aws-cdk-lib';
import { parseConfig } from '../lib/settings/load.js';
import { PROJECT_ROOT } from '../lib/constructs/team-function.js';
import { IntegrationStack } from '../lib/stacks/integration-stack.js';
import { createDynamoClient } from '../lambdas/core/store/dynamo-client.js';
import { createTableInput } from '../lambdas/core/store/table-schema.js';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../local/dynamodb-local.js';
import { LocalStateMachineRunner, type LocalRunnerOptions } from '../local/sandbox/state-machine-runner.js';
import { LOCAL_ACCOUNT, LOCAL_REGION, functionEnvironment, synthesizeStack } from '../local/sandbox/template.js';
import { SECOND_ALERT_ID, SIMULATOR_CREDENTIALS, startSimulator, type RunningSimulator } from '../local/simulator/index.js';
import { bundleHandlers } from './bundles.js';
import { startAwsStandIn, type RunningAwsStandIn } from './lib/aws-stand-in.js';
import type { CdkBundle } from './lib/cdk-bundles.js';
import { TARGETS } from './lib/document.js';
import { lambdaLikeEnvironment } from './lib/init-probe.js';
import { LambdaContainer } from './lib/lambda-container.js';
import { formatTable } from './lib/table.js';

/** Every Lambda is configured with 256 MB (TeamFunction's default). */
export const LAMBDA_MEMORY_MB = TARGETS.memoryMb;
/** "Fits with headroom": the peak stays under this share of the configured memory. */
export const HEADROOM_SHARE = TARGETS.memoryShare;

/** What `npm run bench -- --json` reports per Lambda under `memory`. */
export interface MemoryFigure {
  readonly name: string;
  readonly peakRssMb: number;
}

/** One Lambda's memory over the run, with how it was measured. */
export interface MemoryResult extends MemoryFigure {
  /** `pipeline`: invoked by the run; `import only`: no synthesized function uses this handler. */
  readonly measured: 'pipeline' | 'import only';
  readonly afterInitRssMb: number;
  readonly invocations: number;
  /** Error names of failed invocations (Step Functions retries and catches some by design). */
  readonly failedInvocations: readonly string[];
  /** Where the memory is at the end of the run (V8 heap, external), MB. */
  readonly atEnd: { readonly rss: number; readonly heapTotal: number; readonly heapUsed: number; readonly external: number };
  /** `peakRssMb <= HEADROOM_SHARE x 256`. */
  readonly fitsWithHeadroom: boolean;
}

/** Every Lambda's result and what the run did. */
export interface MemoryReport {
  readonly results: readonly MemoryResult[];
  /** Final status of every execution of the run, e.g. `PostDeployScan: SUCCEEDED`. */
  readonly executions: readonly string[];
  /** AWS requests the stand-in did not expect (should be none). */
  readonly unexpectedAwsCalls: readonly string[];
  readonly seconds: number;
}

/** Options of {@link runMemoryBenchmark}. */
export interface MemoryBenchmarkOptions {
  /** Bundles by entry (`lambdas/scan/handlers/x.ts`); default: bundle now. */
  readonly bundles?: readonly CdkBundle[];
  readonly dynamoEndpoint?: string;
  /** Longest the pipelines may take. @default 180000 */
  readonly timeoutMs?: number;
  readonly progress?: (line: string) => void;
}

const OUT_DIR = join(PROJECT_ROOT, 'bench', 'out', 'memory');
const CFN_EVENT = join(PROJECT_ROOT, 'test', 'fixtures', 'events', 'cfn-stack-create-complete.json');
const ALERT_BODY = join(PROJECT_ROOT, 'local', 'sandbox', 'samples', 'zdx-alert-started.json');

/** Runs the representative pipelines in containers and reads each container's peak RSS. */
export async function runMemoryBenchmark(options: MemoryBenchmarkOptions = {}): Promise<MemoryReport> {
  const progress = options.progress ?? (() => undefined);
  const started = Date.now();
  const bundles = options.bundles ?? bundleHandlers().handlers;
  const bundleByEntry = new Map(bundles.map((bundle) => [bundle.entry, bundle]));
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(join(OUT_DIR, 'logs'), { recursive: true });

  let dynamoLocal: RunningDynamoDbLocal | undefined;
  let simulator: RunningSimulator | undefined;
  let standIn: RunningAwsStandIn | undefined;
  const containers = new Map<string, Promise<LambdaContainer>>();
  try {
    progress('memory: starting DynamoDB Local, the simulator and the AWS stand-in');
    const dynamoEndpoint = options.dynamoEndpoint ?? (dynamoLocal = await startDynamoDbLocal()).endpoint;
    simulator = await startSimulator({ config: { timeScale: 0.0025, zdx: { rateLimit: { enabled: false } } } });
    const tableName = `bench-memory-${randomUUID().slice(0, 8)}`;
    // The handlers' region: DynamoDB Local keeps one database per access key and Region.
    const admin = createDynamoClient({ endpoint: dynamoEndpoint, region: LOCAL_REGION });
    await admin.send(new CreateTableCommand(createTableInput(tableName)));
    admin.destroy();

    const cfnEvent = JSON.parse(readFileSync(CFN_EVENT, 'utf8')) as { account: string };
    const zcspmAccount = simulator.ensureAwsAccount(cfnEvent.account);
    progress('memory: synthesizing both pipelines');
    const stack = synthesizeStack((app) => {
      const config = parseConfig({
        zcspmLicenseId: SIMULATOR_CREDENTIALS.zcspm.licenseId,
        zcspmBaseUrl: (simulator as RunningSimulator).url,
        zdxBaseUrl: (simulator as RunningSimulator).url,
        accountMappings: { [cfnEvent.account]: zcspmAccount },
        notifications: { slack: { enabled: true }, sns: { enabled: true }, eventBridge: { enabled: true } },
      });
      return new IntegrationStack(app, 'ZsaBenchMemory', { config }) as Stack;
    });

    let runner: ContainerRunner | undefined;
    const webhookToken = `bench-${randomUUID()}`;
    const secretValues = secretsByEnvVar(webhookToken);
    const secrets: Record<string, unknown> = {};
    const functionIds = Object.keys(stack.handlerEntries);
    standIn = await startAwsStandIn({
      secrets,
      tlsDir: join(OUT_DIR, 'tls'),
      startExecution: ({ stateMachineArn, name, input }) => startLocalExecution(runner as ContainerRunner, stateMachineArn, name, input),
    });
    const overrides: Record<string, string> = {
      DYNAMODB_ENDPOINT: dynamoEndpoint,
      AWS_ENDPOINT_URL: standIn.url,
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      NODE_EXTRA_CA_CERTS: standIn.caFile,
      // The bench's stacks live in the simulator's accounts, not the synthesized fake home account.
      HOME_ACCOUNT_ID: '',
      ZDX_RATE_PER_SECOND: '1000',
      ZDX_RATE_PER_MINUTE: '60000',
      ZDX_RATE_SAFETY_MARGIN: '0',
    };
    const containerFor = (logicalId: string): Promise<LambdaContainer> => {
      let container = containers.get(logicalId);
      if (!container) {
        const entry = relative(PROJECT_ROOT, stack.handlerEntries[logicalId] ?? '');
        const bundle = bundleByEntry.get(entry);
        if (!bundle) throw new Error(`no bundle of ${entry} (function ${logicalId})`);
        const env = { ...lambdaLikeEnvironment(logicalId), ...functionEnvironment(stack.template, (runner as ContainerRunner).resolver, logicalId), ...overrides };
        container = LambdaContainer.start({ functionName: logicalId, bundlePath: bundle.bundlePath, env, logFile: join(OUT_DIR, 'logs', `${bundle.name}.log`) });
        containers.set(logicalId, container);
      }
      return container;
    };
    runner = new ContainerRunner(
      {
        stack,
        refs: (_logicalId, resource) => (resource.Type === 'AWS::DynamoDB::Table' ? tableName : undefined),
        waitMs: 20,
        retryIntervalMs: 20,
      },
      containerFor,
    );
    for (const logicalId of functionIds) {
      for (const [name, value] of Object.entries(functionEnvironment(stack.template, runner.resolver, logicalId))) {
        const secret = secretValues[name];
        if (secret !== undefined) secrets[value] = name === 'SLACK_SECRET_ARN' ? { webhookUrl: standIn.slackWebhookUrl } : secret;
      }
    }

    progress('memory: running one scan, one alert webhook and one manual trace request through the bundled handlers');
    const scanRequest = runner.functionLogicalId('ScanRequest');
    const alertIntake = runner.functionLogicalId('AlertIntake');
    const manualTrace = runner.functionLogicalId('ManualTrace');
    const work = (async () => {
      await Promise.all([
        runner.invoke(scanRequest, cfnEvent),
        runner.invoke(alertIntake, webhookEvent(readFileSync(ALERT_BODY, 'utf8'), webhookToken)),
        runner.invoke(manualTrace, manualTraceEvent(SECOND_ALERT_ID)),
      ]);
      await runner.idle();
    })();
    const finished = await Promise.race([work.then(() => true), sleep(options.timeoutMs ?? 180_000).then(() => false)]);
    if (!finished) progress('memory: the pipelines did not finish in time; measuring what ran');
    const executions = [...runner.executions.values()].map((execution) => {
      const machine = execution.stateMachineArn.split(':').pop() ?? '';
      return `${machine.replace(/[0-9A-F]{8}$/, '')} ${execution.name}: ${execution.status}${execution.error ? ` (${execution.error.Error})` : ''}`;
    });

    const results: MemoryResult[] = [];
    for (const bundle of bundles) {
      const logicalId = functionIds.find((id) => relative(PROJECT_ROOT, stack.handlerEntries[id] ?? '') === bundle.entry);
      const measured = logicalId !== undefined && containers.has(logicalId) ? 'pipeline' : 'import only';
      const container = await (logicalId && containers.has(logicalId)
        ? containerFor(logicalId)
        : startImportOnly(bundle, containers));
      const memory = await container.memory();
      results.push({
        name: bundle.name,
        peakRssMb: memory.peakRssMb,
        measured,
        afterInitRssMb: memory.afterInitRssMb,
        invocations: container.invocations,
        failedInvocations: [...container.failures],
        atEnd: { rss: memory.now.rss, heapTotal: memory.now.heapTotal, heapUsed: memory.now.heapUsed, external: memory.now.external },
        fitsWithHeadroom: memory.peakRssMb <= HEADROOM_SHARE * LAMBDA_MEMORY_MB,
      });
    }
    return { results, executions, unexpectedAwsCalls: standIn.unexpected(), seconds: Math.round((Date.now() - started) / 100) / 10 };
  } finally {
    await Promise.all([...containers.values()].map(async (container) => (await container.catch(() => undefined))?.stop()));
    await standIn?.close();
    await simulator?.close();
    await dynamoLocal?.stop();
  }
}

/** The table `npm run bench` prints. */
export function formatMemoryTable(report: MemoryReport): string {
  return formatTable(
    ['lambda', 'peak RSS MB', 'after import MB', 'end: RSS / V8 heap / external MB', 'invocations', 'failed', `fits ${LAMBDA_MEMORY_MB} MB (<= ${HEADROOM_SHARE * 100}%)`, 'measured'],
    report.results.map((result) => [
      result.name,
      result.peakRssMb,
      result.afterInitRssMb,
      `${result.atEnd.rss} / ${result.atEnd.heapTotal} / ${result.atEnd.external}`,
      result.invocations,
      result.failedInvocations.length === 0 ? '' : summarizeNames(result.failedInvocations),
      result.fitsWithHeadroom,
      result.measured,
    ]),
  );
}

/** A runner whose Lambda tasks run in the bundled containers instead of in-process. */
class ContainerRunner extends LocalStateMachineRunner {
  readonly #containerFor: (logicalId: string) => Promise<LambdaContainer>;

  constructor(options: LocalRunnerOptions, containerFor: (logicalId: string) => Promise<LambdaContainer>) {
    super(options);
    this.#containerFor = containerFor;
  }

  override async invoke(functionLogicalId: string, event: unknown): Promise<unknown> {
    const container = await this.#containerFor(functionLogicalId);
    return container.invoke(event, {
      functionName: functionLogicalId,
      functionVersion: '$LATEST',
      invokedFunctionArn: this.resolver.arnOf(functionLogicalId),
      memoryLimitInMB: String(LAMBDA_MEMORY_MB),
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${functionLogicalId}`,
      logStreamName: 'bench',
    });
  }
}

/** StartExecution as Step Functions answers it: a new local run, or the existing one for the same name and input. */
function startLocalExecution(runner: LocalStateMachineRunner, stateMachineArn: string, name: string | undefined, input: unknown): string {
  const logicalId = stateMachineArn.split(':').pop() ?? '';
  if (runner.resolver.arnOf(logicalId) !== stateMachineArn) throw Object.assign(new Error(`unknown state machine ${stateMachineArn}`), { name: 'StateMachineDoesNotExist' });
  const executionName = name ?? randomUUID();
  const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
  const existing = runner.executions.get(executionArn);
  if (existing) {
    if (JSON.stringify(existing.input) === JSON.stringify(input)) return executionArn;
    throw Object.assign(new Error(`Execution Already Exists: '${executionArn}'`), { name: 'ExecutionAlreadyExists' });
  }
  return runner.start(logicalId, { name: executionName, input }).executionArn;
}

/** The value of each credential secret, by the env var that carries its ARN (Slack's URL is set later). */
function secretsByEnvVar(webhookToken: string): Record<string, unknown> {
  return {
    ZDX_SECRET_ARN: { ...SIMULATOR_CREDENTIALS.zdx },
    ZCSPM_SECRET_ARN: {
      applicationId: SIMULATOR_CREDENTIALS.zcspm.applicationId,
      applicationSecret: SIMULATOR_CREDENTIALS.zcspm.applicationSecret,
      subscriptionKey: SIMULATOR_CREDENTIALS.zcspm.subscriptionKey,
    },
    SLACK_SECRET_ARN: {},
    WEBHOOK_SECRET_ARN: { bearerToken: webhookToken },
  };
}

/** A ZDX webhook as the HTTP API delivers it (payload format 2.0). */
function webhookEvent(body: string, token: string): Record<string, unknown> {
  return {
    version: '2.0',
    routeKey: 'POST /zdx/alerts',
    rawPath: '/zdx/alerts',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    requestContext: { http: { method: 'POST', path: '/zdx/alerts' }, requestId: randomUUID() },
    body,
    isBase64Encoded: false,
  };
}

/** A manual trace request for an alert, as EventBridge delivers it. */
function manualTraceEvent(alertId: number): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'TraceRequested',
    source: 'zsa.bench',
    account: LOCAL_ACCOUNT,
    region: LOCAL_REGION,
    time: new Date().toISOString(),
    resources: [],
    detail: { alertId },
  };
}

async function startImportOnly(bundle: CdkBundle, containers: Map<string, Promise<LambdaContainer>>): Promise<LambdaContainer> {
  const container = LambdaContainer.start({
    functionName: bundle.name,
    bundlePath: bundle.bundlePath,
    env: lambdaLikeEnvironment(bundle.name),
    logFile: join(OUT_DIR, 'logs', `${bundle.name}.log`),
  });
  containers.set(`import-only:${bundle.name}`, container);
  return container;
}

function summarizeNames(names: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts.entries()].map(([name, count]) => `${count}x ${name}`).join(', ');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = await runMemoryBenchmark({ progress: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${formatMemoryTable(report)}\n\nexecutions:\n${report.executions.join('\n')}\nunexpected AWS calls: ${report.unexpectedAwsCalls.join(', ') || 'none'}\n(${report.seconds} s)\n`);
}
