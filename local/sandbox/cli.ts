/**
 * `npm start` / `zsa sandbox`: the sandbox's command line. `runSandboxCli(argv, io)` parses the
 * options, runs the local pipeline and prints either one JSON document (`--json`) or progress and a
 * readable summary. Exit codes: 0 done, 1 the run failed, 2 usage (bad option, unreadable or
 * non-JSON file, named in the message).
 */
import { fileURLToPath } from 'node:url';
import { SNS_JSON_HEADING } from '../../lambdas/core/notifiers/sns-render.js';
import type { CliIo } from '../cli/io.js';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../dynamodb-local.js';
import { formatDiagnosticsSummary, readAlertFiles, runDiagnosticsSandbox } from './diagnostics/sandbox.js';
import { SandboxUsageError, runSandbox, type SandboxDocument, type SandboxOptions } from './sandbox.js';

export const SANDBOX_USAGE = `Usage: npm start --silent -- [--cfn-event FILE ...] [--zdx-alert FILE ...] [--json] [--slack-webhook URL]
  --cfn-event FILE     a CloudFormation event as EventBridge delivers it (or a JSON array of them); repeatable
  --zdx-alert FILE     a ZDX alert webhook body; repeatable
  --json               print one JSON document: { scans, diagnostics, ignored }
  --slack-webhook URL  also post the Slack messages to this incoming webhook
Without any event file, a demo runs a sample deployment and a sample ZDX alert through both pipelines.`;

/** Parses the sandbox's arguments; throws {@link SandboxUsageError} on anything it does not know. */
export function parseSandboxArgs(argv: readonly string[]): Omit<SandboxOptions, 'cwd' | 'onProgress'> & { help: boolean } {
  const cfnEvents: string[] = [];
  const zdxAlerts: string[] = [];
  let json = false;
  let help = false;
  let slackWebhookUrl: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const raw = argv[index] as string;
    const [flag, inline] = raw.startsWith('--') && raw.includes('=') ? [raw.slice(0, raw.indexOf('=')), raw.slice(raw.indexOf('=') + 1)] : [raw, undefined];
    const value = (): string => {
      const next = inline ?? argv[++index];
      if (next === undefined || next === '' || (inline === undefined && next.startsWith('--'))) throw new SandboxUsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--cfn-event':
        cfnEvents.push(value());
        break;
      case '--zdx-alert':
        zdxAlerts.push(value());
        break;
      case '--slack-webhook': {
        const url = value();
        if (!/^https:\/\/hooks\.slack\.com\//.test(url)) throw new SandboxUsageError('--slack-webhook must be a Slack incoming webhook URL (https://hooks.slack.com/...)');
        slackWebhookUrl = url;
        break;
      }
      case '--json':
        json = true;
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      default:
        throw new SandboxUsageError(`unknown option ${flag}`);
    }
  }
  return { cfnEvents, zdxAlerts, json, help, ...(slackWebhookUrl ? { slackWebhookUrl } : {}) };
}

/** The sample ZDX alert of the no-argument demo (built from the fields Zscaler's receiver guides read). */
export const SAMPLE_ZDX_ALERT_FILE = fileURLToPath(new URL('./samples/zdx-alert-started.json', import.meta.url));

/**
 * The sandbox command; returns the exit code. With no event file at all it runs the demo: the sample
 * deployment and the sample alert through both pipelines. Both pipelines share one DynamoDB Local.
 */
export async function runSandboxCli(argv: readonly string[], io: CliIo): Promise<number> {
  let options: ReturnType<typeof parseSandboxArgs>;
  try {
    options = parseSandboxArgs(argv);
  } catch (error) {
    if (!(error instanceof SandboxUsageError)) throw error;
    io.stderr(`${error.message}\n${SANDBOX_USAGE}\n`);
    return error.exitCode;
  }
  if (options.help) {
    io.stdout(`${SANDBOX_USAGE}\n`);
    return 0;
  }
  const cwd = io.cwd ?? process.cwd();
  const demo = options.cfnEvents.length === 0 && options.zdxAlerts.length === 0;
  const zdxAlerts = demo ? [SAMPLE_ZDX_ALERT_FILE] : options.zdxAlerts;
  const started = Date.now();
  const onProgress = options.json ? undefined : (line: string) => io.stdout(`${line}\n`);
  let ownedDynamo: RunningDynamoDbLocal | undefined;
  try {
    // Usage errors (unreadable or non-JSON files) surface before anything slow starts.
    await readAlertFiles(zdxAlerts, cwd);
    let dynamoEndpoint = io.env.DYNAMODB_ENDPOINT;
    if (!dynamoEndpoint) {
      onProgress?.('starting DynamoDB Local');
      ownedDynamo = await startDynamoDbLocal();
      dynamoEndpoint = ownedDynamo.endpoint;
    }
    const scans =
      demo || options.cfnEvents.length > 0
        ? await runSandbox({ ...options, cwd, dynamoEndpoint, ...(onProgress ? { onProgress } : {}) })
        : { scans: [], diagnostics: [], ignored: [] };
    const diagnostics = await runDiagnosticsSandbox({
      files: zdxAlerts,
      cwd,
      dynamoEndpoint,
      slackWebhookUrl: options.slackWebhookUrl,
      ...(onProgress ? { onProgress } : {}),
    });
    const document: SandboxDocument = {
      scans: scans.scans,
      diagnostics: diagnostics.diagnostics,
      ignored: [...scans.ignored, ...diagnostics.ignored],
    };
    if (options.json) io.stdout(`${JSON.stringify(document, null, 2)}\n`);
    else io.stdout(`${summary(document)}${formatDiagnosticsSummary(diagnostics.diagnostics)}${renderNotifications(document)}\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
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
  }
  for (const entry of document.ignored) lines.push(`Ignored ${entry.source}: ${entry.reason}`);
  return `${lines.join('\n')}\n`;
}
