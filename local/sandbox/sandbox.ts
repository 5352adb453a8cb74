/**
 * The sandbox run of the post-deploy scan pipeline: CloudFormation event files in, one JSON document
 * out.
 *
 * `runSandbox` delivers every event as EventBridge would (rule pattern first, then the real
 * ScanRequest handler), lets the synthesized PostDeployScan state machine run them to the end
 * against the simulator and DynamoDB Local, and returns
 * `{ scans: [...], diagnostics: [], ignored: [{ source, reason }] }`. Every AWS account seen in the
 * events is mapped to a simulated ZCSPM account. A file that is not JSON is a usage error (exit
 * code 2, naming the file); valid JSON that is no usable event is listed under `ignored`.
 */
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import type { StackResourceSummary } from '@aws-sdk/client-cloudformation';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import type { DeviceResult, DiagnosticsReport, FirstLook, Posture, ScanDelta } from '../../lambdas/notify/results.js';
import { UsageError } from '../cli/args.js';
import { parseDeploymentEvent } from '../../lambdas/scan/domain/cfn-event.js';
import { ScanPipelineHarness, type ScanOutcome } from './scan-harness.js';

/** A usage problem (bad argument, unreadable or non-JSON file): exit code 2. */
export class SandboxUsageError extends UsageError {
  override name = 'SandboxUsageError';
  readonly exitCode = 2;
}

export interface SandboxOptions {
  /** CloudFormation event files (each holds one event or an array of events). */
  readonly cfnEvents: readonly string[];
  /** ZDX webhook body files: run by the diagnostics sandbox (local/sandbox/diagnostics), not here. */
  readonly zdxAlerts: readonly string[];
  /** Print one JSON document instead of progress and a summary. */
  readonly json: boolean;
  /** Post Slack messages to this real incoming webhook as well. */
  readonly slackWebhookUrl?: string | undefined;
  /** Relative paths resolve against this directory. @default process.cwd() */
  readonly cwd?: string;
  /** A running DynamoDB Local; default: start one. */
  readonly dynamoEndpoint?: string | undefined;
  /** Progress lines (human mode). */
  readonly onProgress?: (line: string) => void;
}

/** One scan in the sandbox document. */
export interface SandboxScan {
  readonly awsAccountId: string;
  readonly region: string;
  readonly zcspmAccountId: string;
  readonly jobId: string | null;
  readonly status: string;
  readonly isFollowUp: boolean;
  readonly deployments: ReadonlyArray<{ stackId: string; stackName: string; status: string }>;
  readonly posture: Posture | null;
  readonly delta: ScanDelta | null;
  /** Failed assets that belong to the resources of the deployed stacks. */
  readonly deploymentFailureCount: number | null;
  readonly failure?: { readonly reason: string };
  readonly notifications: ReadonlyArray<{ channel: string; payload: unknown }>;
  /** The AWS Security Hub findings (ASFF) this scan imports: one per failed asset and policy, plus the fixed ones archived. */
  readonly securityHubFindings: readonly AwsSecurityFinding[];
}

/** One alert in the sandbox document. */
export interface SandboxDiagnostics {
  readonly alertId: string;
  readonly ruleName: string;
  readonly executionName: string;
  /** The execution's end: SUCCEEDED, FAILED or TIMED_OUT. */
  readonly status: string;
  readonly devices: ReadonlyArray<
    Pick<DeviceResult, 'deviceId' | 'deviceName' | 'traceId' | 'status' | 'reason' | 'diagnosis' | 'confirmation'> & {
      /** The verdict from ZDX's history before the deep trace, and when it came. */
      readonly firstLook?: Pick<FirstLook, 'verdict' | 'headline' | 'evidence' | 'secondsAfterWebhook'>;
    }
  >;
  readonly summary: DiagnosticsReport['summary'] | null;
  readonly failure?: { readonly reason: string; readonly message: string };
  readonly notifications: ReadonlyArray<{ channel: string; payload: unknown }>;
}

/** The document `--json` prints. */
export interface SandboxDocument {
  readonly scans: SandboxScan[];
  readonly diagnostics: SandboxDiagnostics[];
  readonly ignored: Array<{ source: string; reason: string }>;
}

/** One input event with where it came from (`file` or `file[index]`). */
interface SourcedEvent {
  readonly source: string;
  readonly event: unknown;
}

/** The built-in sample deployment used when no event file is given (the AWS documentation's example). */
export const SAMPLE_CFN_EVENT = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'CloudFormation Stack Status Change',
  source: 'aws.cloudformation',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:cloudformation:us-west-1:111122223333:stack/teststack/2c1ec2b0-e748-11e7-9d71-50fa3f4c1e0a'],
  detail: {
    'stack-id': 'arn:aws:cloudformation:us-west-1:111122223333:stack/teststack/2c1ec2b0-e748-11e7-9d71-50fa3f4c1e0a',
    'status-details': { status: 'CREATE_COMPLETE', 'status-reason': '' },
    'client-request-token': 'Console-CreateStack-7f59c3cf-00d2-40c7-b2ff-e75db0987002',
  },
} as const;

/**
 * Reads every event file (a usage error for an unreadable or non-JSON file, before anything starts).
 * With no files, the built-in sample deployment.
 */
export async function readEventFiles(files: readonly string[], cwd = process.cwd()): Promise<SourcedEvent[]> {
  if (files.length === 0) return [{ source: 'sample deployment', event: SAMPLE_CFN_EVENT }];
  return (await readJsonInputs(files, cwd)).map(({ source, value }) => ({ source, event: value }));
}

/**
 * Reads JSON files given on the command line: each holds one value or an array of them (one input
 * per element, named `file[index]`). Throws a {@link SandboxUsageError} naming the file that cannot be
 * read or parsed.
 */
export async function readJsonInputs(files: readonly string[], cwd = process.cwd()): Promise<Array<{ source: string; value: unknown }>> {
  const inputs: Array<{ source: string; value: unknown }> = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(resolvePath(cwd, file), 'utf8');
    } catch (error) {
      throw new SandboxUsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new SandboxUsageError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
    if (Array.isArray(json)) json.forEach((value, index) => inputs.push({ source: `${file}[${index}]`, value }));
    else inputs.push({ source: file, value: json });
  }
  return inputs;
}

/** Runs the events through the local pipeline and returns the sandbox document. */
export async function runSandbox(options: SandboxOptions): Promise<SandboxDocument> {
  const events = await readEventFiles(options.cfnEvents, options.cwd);
  const deployments = events.flatMap(({ event }) => {
    const parsed = parseDeploymentEvent(event);
    return parsed.ok ? [parsed.deployment] : [];
  });
  const accounts = [...new Set(deployments.map((deployment) => deployment.awsAccountId))];
  const progress = options.onProgress;
  const started = Date.now();
  const say = (line: string) => progress?.(`[+${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);

  say(`starting the simulator${options.dynamoEndpoint ? '' : ' and DynamoDB Local'}, synthesizing the app`);
  const harness = await ScanPipelineHarness.start({
    awsAccounts: accounts,
    dynamoEndpoint: options.dynamoEndpoint,
    realSlackWebhook: options.slackWebhookUrl,
    deferExecutions: true,
    stackResources: demoStackResources,
    // The sandbox shows the Security Hub findings a scan would import (in the stand-in's store, never sent).
    config: { securityHub: { enabled: true } },
    ...(progress ? { onProgress: (line: string) => say(line) } : {}),
  });
  try {
    // Each deployed stack gets a log bucket that fails a policy, so the report shows what the
    // deployment itself introduced next to the account's existing findings.
    for (const deployment of deployments) {
      const zcspmAccountId = harness.mappings[deployment.awsAccountId] as string;
      harness.simulator.zcspm.addFailedAssets(zcspmAccountId, [{ resourceId: `arn:aws:s3:::${demoBucketName(deployment.stackId)}`, region: deployment.region }]);
    }
    const ignored: SandboxDocument['ignored'] = [];
    for (const { source, event } of events) {
      const outcome = await harness.deliver(event);
      if (!outcome.delivered) {
        ignored.push({ source, reason: outcome.reason });
        say(`${source}: ignored (${outcome.reason})`);
        continue;
      }
      const { result } = outcome;
      if (result.outcome === 'ignored') ignored.push({ source, reason: result.reason });
      else if (result.outcome === 'duplicate') ignored.push({ source, reason: 'a duplicate delivery of a deployment already recorded' });
      say(`${source}: ${result.outcome === 'ignored' ? `ignored (${result.reason})` : `${result.outcome} (${describeDeployment(result.deployment)})`}`);
    }
    harness.releaseExecutions();
    await harness.idle();
    const scans = (await harness.scanOutcomes()).map(toSandboxScan);
    say(`done: ${scans.length} scan(s), ${ignored.length} ignored input(s)`);
    return { scans, diagnostics: [], ignored };
  } finally {
    await harness.close();
  }
}

/** The sandbox document's view of one scan (also what `--serve` answers). */
export function toSandboxScan(outcome: ScanOutcome): SandboxScan {
  return {
    awsAccountId: outcome.awsAccountId,
    region: outcome.region,
    zcspmAccountId: outcome.zcspmAccountId,
    jobId: outcome.jobId,
    status: outcome.status,
    isFollowUp: outcome.isFollowUp,
    deployments: outcome.deployments.map(({ stackId, stackName, status }) => ({ stackId, stackName, status })),
    posture: outcome.posture,
    delta: outcome.delta,
    deploymentFailureCount: outcome.report?.deploymentFailureCount ?? null,
    ...(outcome.failure ? { failure: outcome.failure } : {}),
    // The findings are listed once, under `securityHubFindings`, not again as raw import calls.
    notifications: outcome.notifications.filter(({ channel }) => channel !== 'securityhub').map(({ channel, payload }) => ({ channel, payload })),
    securityHubFindings: outcome.securityHubFindings,
  };
}

function describeDeployment(deployment: { stackName: string; awsAccountId: string; region: string }): string {
  return `${deployment.stackName} in ${deployment.awsAccountId}/${deployment.region}`;
}

/** ListStackResources in the sandbox: each stack owns one log bucket (see {@link demoBucketName}). */
function demoStackResources(stackId: string): StackResourceSummary[] {
  return [
    {
      LogicalResourceId: 'LogBucket',
      PhysicalResourceId: demoBucketName(stackId),
      ResourceType: 'AWS::S3::Bucket',
      ResourceStatus: 'CREATE_COMPLETE',
      LastUpdatedTimestamp: new Date(),
    },
  ];
}

function demoBucketName(stackId: string): string {
  const name = stackId.split('/')[1] ?? 'stack';
  return `${name.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40)}-logs`;
}
