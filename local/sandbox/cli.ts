/**
 * `npm start` / `zsa sandbox`: the sandbox's command line. `runSandboxCli(argv, io)` parses the
 * options, runs the local pipeline and prints either one JSON document (`--json`) or progress and a
 * readable summary. Exit codes: 0 done, 1 the run failed, 2 usage (bad option, unreadable or
 * non-JSON file, named in the message).
 */
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import type { CliIo } from '../cli/io.js';
import { SandboxUsageError, runSandbox, type SandboxDocument, type SandboxOptions } from './sandbox.js';

export const SANDBOX_USAGE = `Usage: npm start --silent -- [--cfn-event FILE ...] [--zdx-alert FILE ...] [--json] [--slack-webhook URL]
  --cfn-event FILE     a CloudFormation event as EventBridge delivers it (or a JSON array of them); repeatable
  --zdx-alert FILE     a ZDX alert webhook body; repeatable
  --json               print one JSON document: { scans, diagnostics, ignored }
  --slack-webhook URL  also post the Slack messages to this incoming webhook
Without --cfn-event a sample deployment is used.`;

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

/** The sandbox command; returns the exit code. */
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
  try {
    const alertsIgnored = await readAlertFiles(options.zdxAlerts, cwd);
    const document = await runSandbox({
      ...options,
      cwd,
      dynamoEndpoint: io.env.DYNAMODB_ENDPOINT,
      ...(options.json ? {} : { onProgress: (line: string) => io.stdout(`${line}\n`) }),
    });
    document.ignored.push(...alertsIgnored);
    io.stdout(options.json ? `${JSON.stringify(document, null, 2)}\n` : summary(document));
    return 0;
  } catch (error) {
    if (error instanceof SandboxUsageError) {
      io.stderr(`${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(`sandbox failed: ${(error as Error).message}\n`);
    return 1;
  }
}

/**
 * ZDX alert files are validated here (a non-JSON file is a usage error like any other); running
 * them is the diagnostics pipeline's part of the sandbox, listed as not run until it is wired in.
 */
async function readAlertFiles(files: readonly string[], cwd: string): Promise<SandboxDocument['ignored']> {
  const ignored: SandboxDocument['ignored'] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(resolvePath(cwd, file), 'utf8');
    } catch (error) {
      throw new SandboxUsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    try {
      JSON.parse(text);
    } catch (error) {
      throw new SandboxUsageError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
    ignored.push({ source: file, reason: 'ZDX alerts are not run by the scan sandbox (the diagnostics runner handles --zdx-alert)' });
  }
  return ignored;
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
