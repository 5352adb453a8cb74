/**
 * `npm start` / `zsa sandbox`: the sandbox's command line. `runSandboxCli(argv, io)` parses the
 * options, runs the local pipeline and prints either one JSON document (`--json`) or progress and a
 * readable summary. Exit codes: 0 done, 1 the run failed, 2 usage (bad option, unreadable or
 * non-JSON file, named in the message).
 */
import { ZDX_AUTH_MODES } from '../../lambdas/core/config.js';
import { type ZdxAuth } from '../../lambdas/zscaler/zdx/oneapi.js';
import { fileURLToPath } from 'node:url';
import { SNS_JSON_HEADING } from '../../lambdas/notify/render/sns-render.js';
import { flag, parseCommandArgs, stringOption, UsageError } from '../cli/args.js';
import { helpText, usageHint } from '../cli/command-spec.js';
import { SANDBOX_SPEC } from '../cli/help.js';
import { ExitCode, type CliIo } from '../cli/io.js';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../dynamodb-local.js';
import { formatDiagnosticsSummary, readAlertFiles, runDiagnosticsSandbox } from './diagnostics/sandbox.js';
import { SAMPLE_CFN_EVENT, SandboxUsageError, readEventFiles, runSandbox, type SandboxDocument, type SandboxOptions } from './sandbox.js';
import { DEFAULT_SERVE_PORT, startSandboxServer, type RunningSandboxServer, type ServeRun } from './serve.js';

/** The parsed sandbox options: a run's ({@link SandboxOptions}) plus help and the `--serve` mode's. */
export type SandboxArgs = Omit<SandboxOptions, 'cwd' | 'onProgress'> & {
  readonly help: boolean;
  /** `--serve`: the port to listen on (0: any free one), else undefined. */
  readonly servePort: number | undefined;
  /** `--account`: AWS accounts `--serve` maps (empty: the sample account). */
  readonly accounts: readonly string[];
  /** `--zdx-auth`: the ZDX transport of the diagnostics pipeline. */
  readonly zdxAuth: ZdxAuth;
};

/**
 * Parses the sandbox's arguments (options: local/cli/help.ts `SANDBOX_SPEC`); throws a
 * {@link UsageError} on anything it does not know.
 */
export function parseSandboxArgs(argv: readonly string[]): SandboxArgs {
  const { values } = parseCommandArgs(argv, SANDBOX_SPEC);
  const list = (name: string): string[] => (Array.isArray(values[name]) ? (values[name] as string[]) : []);
  const cfnEvents = list('cfn-event');
  const zdxAlerts = list('zdx-alert');
  const accounts = list('account');
  for (const account of accounts) {
    if (!/^\d{12}$/.test(account)) throw new SandboxUsageError(`--account must be a 12-digit AWS account id, got "${account}"`);
  }
  const slackWebhookUrl = stringOption(values, 'slack-webhook');
  if (slackWebhookUrl !== undefined && !isSlackWebhookTarget(slackWebhookUrl)) {
    throw new SandboxUsageError('--slack-webhook must be a Slack incoming webhook URL (https://hooks.slack.com/...) or a local capture (http://127.0.0.1:PORT/...)');
  }
  const portText = stringOption(values, 'port');
  const port = portText === undefined ? undefined : /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (port !== undefined && !(port >= 0 && port <= 65_535)) throw new SandboxUsageError(`--port must be a port number (0-65535), got "${portText}"`);
  const zdxAuthText = stringOption(values, 'zdx-auth');
  const zdxAuth = zdxAuthText === undefined ? 'api-key' : ZDX_AUTH_MODES.find((candidate) => candidate === zdxAuthText);
  if (zdxAuth === undefined) throw new SandboxUsageError(`--zdx-auth must be one of ${ZDX_AUTH_MODES.join(', ')}, got "${zdxAuthText}"`);
  const serve = flag(values, 'serve');
  const json = flag(values, 'json');
  if (!serve && (port !== undefined || accounts.length > 0)) throw new SandboxUsageError(`${port !== undefined ? '--port' : '--account'} needs --serve`);
  if (serve && (json || cfnEvents.length > 0 || zdxAlerts.length > 0)) {
    throw new SandboxUsageError('--serve takes its events over HTTP: it cannot be combined with --cfn-event, --zdx-alert or --json');
  }
  return {
    cfnEvents,
    zdxAlerts,
    json,
    help: flag(values, 'help'),
    servePort: serve ? (port ?? DEFAULT_SERVE_PORT) : undefined,
    accounts,
    zdxAuth,
    ...(slackWebhookUrl ? { slackWebhookUrl } : {}),
  };
}

/** Slack's incoming-webhook host, or a capture server on this machine (to see the messages without Slack). */
function isSlackWebhookTarget(url: string): boolean {
  if (/^https:\/\/hooks\.slack(?:-gov)?\.com\//.test(url)) return true;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  } catch {
    return false;
  }
}

/** The sample ZDX alert of the no-argument demo (built from the fields Zscaler's receiver guides read). */
export const SAMPLE_ZDX_ALERT_FILE = fileURLToPath(new URL('./samples/zdx-alert-started.json', import.meta.url));

/**
 * The sandbox command; returns the exit code. With no event file at all it runs the demo: the sample
 * deployment and the sample alert through both pipelines. Both pipelines share one DynamoDB Local.
 */
export async function runSandboxCli(argv: readonly string[], io: CliIo): Promise<number> {
  let options: SandboxArgs;
  try {
    options = parseSandboxArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${error.message}\n${usageHint(SANDBOX_SPEC)}\n`);
    return ExitCode.Usage;
  }
  if (options.help) {
    io.stdout(`${helpText(SANDBOX_SPEC)}\n`);
    return 0;
  }
  if (options.servePort !== undefined) return serveUntilStopped(options, io);
  const cwd = io.cwd ?? process.cwd();
  const demo = options.cfnEvents.length === 0 && options.zdxAlerts.length === 0;
  const zdxAlerts = demo ? [SAMPLE_ZDX_ALERT_FILE] : options.zdxAlerts;
  const started = Date.now();
  const onProgress = options.json ? undefined : progressPrinter(io, started);
  let ownedDynamo: RunningDynamoDbLocal | undefined;
  try {
    // Usage errors (unreadable or non-JSON files) surface before anything slow starts.
    await readEventFiles(options.cfnEvents, cwd);
    await readAlertFiles(zdxAlerts, cwd);
    let dynamoEndpoint = io.env.DYNAMODB_ENDPOINT;
    if (!dynamoEndpoint) {
      onProgress?.('starting DynamoDB Local (one instance, shared by both pipelines)');
      ownedDynamo = await startDynamoDbLocal();
      dynamoEndpoint = ownedDynamo.endpoint;
    }
    const runScans = demo || options.cfnEvents.length > 0;
    if (runScans) onProgress?.(PIPELINE_HEADINGS.scan);
    const scans = runScans
      ? await runSandbox({ ...options, cwd, dynamoEndpoint, ...(onProgress ? { onProgress } : {}) })
      : { scans: [], diagnostics: [], ignored: [] };
    if (zdxAlerts.length > 0) onProgress?.(PIPELINE_HEADINGS.diagnostics);
    const diagnostics = await runDiagnosticsSandbox({
      files: zdxAlerts,
      cwd,
      dynamoEndpoint,
      slackWebhookUrl: options.slackWebhookUrl,
      zdxAuth: options.zdxAuth,
      ...(onProgress ? { onProgress } : {}),
    });
    const document: SandboxDocument = {
      scans: scans.scans,
      diagnostics: diagnostics.diagnostics,
      ignored: [...scans.ignored, ...diagnostics.ignored],
    };
    if (options.json) io.stdout(`${JSON.stringify(document, null, 2)}\n`);
    else io.stdout(`\nResults:${summary(document)}${formatDiagnosticsSummary(diagnostics.diagnostics)}${renderNotifications(document)}\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
    return 0;
  } catch (error) {
    if (error instanceof SandboxUsageError) {
      io.stderr(`${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(`sandbox failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await ownedDynamo?.stop();
  }
}

/**
 * `--serve`: both pipelines behind a local HTTP server until Ctrl+C (SIGINT/SIGTERM) or `io.signal`
 * aborts; every run is printed as it completes. Returns 0 after a clean stop, 1 when it cannot start.
 */
async function serveUntilStopped(options: SandboxArgs, io: CliIo): Promise<number> {
  const started = Date.now();
  const onProgress = progressPrinter(io, started);
  let ownedDynamo: RunningDynamoDbLocal | undefined;
  let server: RunningSandboxServer | undefined;
  const stopped = new AbortController();
  const stop = () => stopped.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  io.signal?.addEventListener('abort', stop, { once: true });
  try {
    let dynamoEndpoint = io.env.DYNAMODB_ENDPOINT;
    if (!dynamoEndpoint) {
      onProgress('starting DynamoDB Local (one instance, shared by both pipelines)');
      ownedDynamo = await startDynamoDbLocal();
      dynamoEndpoint = ownedDynamo.endpoint;
    }
    const awsAccounts = options.accounts.length > 0 ? options.accounts : [SAMPLE_CFN_EVENT.account];
    server = await startSandboxServer({
      port: options.servePort ?? DEFAULT_SERVE_PORT,
      dynamoEndpoint,
      awsAccounts,
      slackWebhookUrl: options.slackWebhookUrl,
      zdxAuth: options.zdxAuth,
      onProgress,
      onRun: (run) => io.stdout(formatRun(run)),
    });
    io.stdout(serveBanner(server));
    if (!stopped.signal.aborted) await new Promise((resolve) => stopped.signal.addEventListener('abort', resolve, { once: true }));
    onProgress('stopping: waiting for the running run, then shutting both pipelines down');
    await server.close();
    onProgress('stopped');
    return 0;
  } catch (error) {
    io.stderr(`sandbox failed: ${(error as Error).message}\n`);
    await server?.close().catch(() => undefined);
    return 1;
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    io.signal?.removeEventListener('abort', stop);
    await ownedDynamo?.stop();
  }
}

/** What a user needs to send events to the running server. */
function serveBanner(server: RunningSandboxServer): string {
  const mapped = Object.keys(server.mappings).join(', ');
  return [
    '',
    `Sandbox listening on ${server.url} (Ctrl+C stops it)`,
    `  POST ${server.url}/zdx/alerts              ZDX webhook bodies (AlertIntake, then AlertDiagnostics)`,
    `  POST ${server.url}/cloudformation/events   CloudFormation events (rule pattern, ScanRequest, PostDeployScan)`,
    `  GET  ${server.url}/runs/{id}               a run's result`,
    `Sandbox-only webhook bearer token (random per run, not a real credential): ${server.webhookToken}`,
    `Mapped AWS accounts: ${mapped}`,
    'Try:',
    `  curl -s -X POST ${server.url}/zdx/alerts -H 'Authorization: Bearer ${server.webhookToken}' \\`,
    `       -H 'Content-Type: application/json' --data @local/sandbox/samples/zdx-alert-started.json`,
    `  curl -s -X POST ${server.url}/cloudformation/events -H 'Content-Type: application/json' \\`,
    '       --data @local/sandbox/samples/cfn-stack-create-complete.json',
    '',
  ].join('\n');
}

/** One finished `--serve` run, for the terminal. */
function formatRun(run: ServeRun): string {
  const head = `\n=== ${run.id}: ${run.kind === 'zdx-alert' ? 'ZDX webhook' : 'CloudFormation event'} ${run.status}${run.intake ? ` (intake answered ${run.intake.statusCode})` : ''}${run.error ? `: ${run.error}` : ''}`;
  const document: SandboxDocument = { scans: run.scans, diagnostics: run.diagnostics, ignored: run.ignored };
  return `${head}\n${summary(document)}${formatDiagnosticsSummary(run.diagnostics)}${renderNotifications(document)}`;
}

/** The heading printed before each pipeline's progress. */
export const PIPELINE_HEADINGS = {
  scan: 'Pipeline 1: post-deploy compliance scan (CloudFormation event -> ZCSPM scan -> report -> notification)',
  diagnostics: 'Pipeline 2: alert-triggered diagnostics (ZDX webhook -> deep traces -> diagnosis -> notification)',
} as const;

/** A leading `[+1.2s] ` some progress sources add themselves (relative to their own start). */
const OWN_ELAPSED_PREFIX = /^\[\+\d+(?:\.\d+)?s\] /;

/**
 * Prints progress lines with one elapsed-time prefix counted from the command's start; a heading
 * (a line starting "Pipeline ") gets a blank line before it. Lines that carry their own
 * (per-pipeline) elapsed prefix get it replaced, so the times on screen add up.
 */
export function progressPrinter(io: Pick<CliIo, 'stdout'>, started: number): (line: string) => void {
  return (line) => {
    const text = line.replace(OWN_ELAPSED_PREFIX, '');
    const elapsed = `[+${((Date.now() - started) / 1000).toFixed(1).padStart(4)}s]`;
    io.stdout(text.startsWith('Pipeline ') ? `\n${elapsed} ${text}\n` : `${elapsed} ${text}\n`);
  };
}

/** The messages people would receive, as a terminal shows them (the plain-text part of the SNS body). */
function renderNotifications(document: SandboxDocument): string {
  const messages = [...document.scans, ...document.diagnostics].flatMap((run) =>
    run.notifications.filter((notification) => notification.channel === 'sns').map((notification) => notification.payload as { Subject?: string; Message?: string }),
  );
  if (messages.length === 0) return '';
  const rule = '─'.repeat(72);
  const blocks = messages.map((message) => {
    const body = (message.Message ?? '').split(SNS_JSON_HEADING)[0]?.trimEnd() ?? '';
    return `${rule}\n${message.Subject ?? ''}\n${rule}\n${body}\n`;
  });
  return `\nNotifications (as delivered to email/SNS; Slack and EventBridge carry the same result):\n${blocks.join('\n')}`;
}

function summary(document: SandboxDocument): string {
  const lines: string[] = [''];
  for (const scan of document.scans) {
    lines.push(`Scan of AWS account ${scan.awsAccountId} (${scan.region}) -> ZCSPM account ${scan.zcspmAccountId}${scan.isFollowUp ? ' (follow-up)' : ''}`);
    lines.push(`  job ${scan.jobId ?? '-'}: ${scan.status}${scan.failure ? ` (${scan.failure.reason})` : ''}`);
    lines.push(`  deployments: ${scan.deployments.map((deployment) => `${deployment.stackName} (${deployment.status})`).join(', ')}`);
    if (scan.posture) {
      const p = scan.posture;
      lines.push(`  posture: ${p.compliancePercent}% compliant (green ${p.green}, red ${p.red}, amber ${p.amber}, gray ${p.gray})`);
    }
    if (scan.delta) {
      const d = scan.delta;
      lines.push(
        d.previousJobId === null
          ? '  delta: first scan of this account (nothing to compare)'
          : `  delta vs ${d.previousJobId}: ${d.newFailureCount} new failure(s), ${d.fixedCount} fixed, ${d.compliancePercentChange ?? 0} points`,
      );
    }
    lines.push(`  notifications: ${scan.notifications.map((notification) => notification.channel).join(', ') || 'none'}`);
    if (scan.securityHubFindings.length > 0) {
      const archived = scan.securityHubFindings.filter((finding) => finding.RecordState === 'ARCHIVED').length;
      lines.push(`  Security Hub: ${scan.securityHubFindings.length - archived} failed finding(s) imported, ${archived} archived as fixed (--json lists them)`);
    }
  }
  for (const entry of document.ignored) lines.push(`Ignored ${entry.source}: ${entry.reason}`);
  return `${lines.join('\n')}\n`;
}
