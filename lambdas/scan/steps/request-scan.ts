/**
 * ScanRequest: one CloudFormation event in, at most one new PostDeployScan execution out.
 *
 * parse -> decide (statuses, own stack, filters) -> map the AWS account to its ZCSPM account
 * (unmapped: a FailureReport notification, no scan) -> record the deployment in its scan window ->
 * start the window's execution when this deployment opened it. Everything not scanned is logged
 * with its reason. Duplicate deliveries change nothing (and never notify twice).
 */
import type { Clock, Log } from '../../core/ports.js';
import { systemClock } from '../../core/ports.js';
import type { Deployment, FailureReport, SentNotification } from '../../notify/results.js';
import { parseDeploymentEvent } from '../domain/cfn-event.js';
import { decideScan } from '../domain/decide.js';
import type { ExecutionStarter } from '../../core/ports.js';
import type { ResultDelivery } from '../ports.js';
import type { ScanWindowStore } from '../adapters/scan-window-store.js';
import { deploymentId, type RecordOutcome, type ScanWindow } from '../domain/window-policy.js';
import type { AccountMappings, ScanSettings } from '../settings.js';
import type { ScanExecutionInput } from '../domain/workflow-state.js';

export interface RequestScanDeps {
  readonly settings: ScanSettings;
  readonly mappings: AccountMappings;
  readonly windows: Pick<ScanWindowStore, 'recordDeployment' | 'recordUnmapped' | 'isRecorded'>;
  readonly executions: ExecutionStarter;
  /** Resolved lazily: only an unmapped account needs the notification channels. */
  readonly notifications: () => Promise<ResultDelivery> | ResultDelivery;
  readonly log: Log;
  readonly clock?: Clock;
}

export type ScanRequestResult =
  | { readonly outcome: 'ignored'; readonly reason: string }
  | {
      readonly outcome: 'unmapped';
      readonly awsAccountId: string;
      readonly deployment: Deployment;
      readonly duplicate: boolean;
      readonly notifications: readonly SentNotification[];
    }
  | {
      readonly outcome: RecordOutcome['outcome'];
      readonly zcspmAccountId: string;
      readonly deployment: Deployment;
      readonly windowId: string | undefined;
      readonly executionName: string | undefined;
      readonly executionStarted: boolean;
    };

/** Handles one EventBridge event. Throws only for infrastructure errors (EventBridge then retries). */
export async function requestScan(event: unknown, deps: RequestScanDeps): Promise<ScanRequestResult> {
  const parsed = parseDeploymentEvent(event);
  if (!parsed.ok) {
    deps.log.info('event ignored', { reason: parsed.reason });
    return { outcome: 'ignored', reason: parsed.reason };
  }
  const { deployment } = parsed;
  const context = { stackName: deployment.stackName, awsAccountId: deployment.awsAccountId, region: deployment.region, status: deployment.status };
  const decision = decideScan(parsed, deps.settings);
  if (decision.action === 'ignore') {
    deps.log.info('deployment ignored', { ...context, reason: decision.reason });
    return { outcome: 'ignored', reason: decision.reason };
  }

  const zcspmAccountId = deps.mappings[deployment.awsAccountId];
  if (!zcspmAccountId) return notifyUnmapped(deployment, deps);

  const recorded = await deps.windows.recordDeployment({ zcspmAccountId, deployment, debounceSeconds: deps.settings.debounceSeconds });
  const window = recorded.window;
  const shouldStart = recorded.outcome === 'opened' || (recorded.outcome === 'duplicate' && recorded.restartExecution);
  let executionStarted = false;
  if (shouldStart && window) {
    const started = await deps.executions.start(window.executionName, executionInput(window, deps.settings));
    executionStarted = !started.alreadyStarted;
  }
  deps.log.info('deployment recorded', {
    ...context,
    zcspmAccountId,
    outcome: recorded.outcome,
    windowId: window?.windowId,
    executionName: window?.executionName,
    executionStarted,
  });
  return {
    outcome: recorded.outcome,
    zcspmAccountId,
    deployment,
    windowId: window?.windowId,
    executionName: window?.executionName,
    executionStarted,
  };
}

/** The execution input of a window; the same window always yields the same input. */
export function executionInput(window: ScanWindow, settings: Pick<ScanSettings, 'debounceSeconds'>): ScanExecutionInput {
  return {
    window: {
      zcspmAccountId: window.zcspmAccountId,
      windowId: window.windowId,
      seq: window.seq,
      awsAccountId: window.awsAccountId,
      region: window.region,
      debounceSeconds: settings.debounceSeconds,
      isFollowUp: window.chain > 0,
    },
  };
}

async function notifyUnmapped(deployment: Deployment, deps: RequestScanDeps): Promise<ScanRequestResult> {
  if (await deps.windows.isRecorded(deployment)) {
    deps.log.info('duplicate deployment of an unmapped account', { awsAccountId: deployment.awsAccountId, stackName: deployment.stackName });
    return { outcome: 'unmapped', awsAccountId: deployment.awsAccountId, deployment, duplicate: true, notifications: [] };
  }
  const report: FailureReport = {
    kind: 'failure',
    pipeline: 'scan',
    reason: 'UnmappedAccount',
    message:
      `Stack ${deployment.stackName} was deployed to AWS account ${deployment.awsAccountId} (${deployment.region}), ` +
      'which is not mapped to a ZCSPM cloud account, so it was not scanned. Add it to accountMappings.',
    awsAccountId: deployment.awsAccountId,
    region: deployment.region,
    deployments: [deployment],
    occurredAt: new Date((deps.clock ?? systemClock).now()).toISOString(),
    links: {},
  };
  deps.log.warn('deployment of an unmapped account', { awsAccountId: deployment.awsAccountId, stackName: deployment.stackName });
  // Notify, then record: notifiers are idempotent per key, so a redelivery after a failed channel
  // (or concurrent duplicates) delivers once, and a crash in between never loses the notice.
  const delivery = await deps.notifications();
  const notifications = await delivery.deliver(report, { idempotencyKey: `unmapped-${deploymentId(deployment)}` });
  await deps.windows.recordUnmapped(deployment);
  return { outcome: 'unmapped', awsAccountId: deployment.awsAccountId, deployment, duplicate: false, notifications };
}
