/**
 * The trigger decision: does this deployment change the account in a way worth a compliance scan?
 *
 * Pure and total: every deployment gets either `scan` or `ignore` with a reason that names the
 * setting responsible, so an operator reading the log knows which knob to turn.
 */
import type { Deployment } from '../../notify/results.js';
import { firstMatch, matchesAny } from './glob.js';
import type { ParsedDeploymentEvent } from './cfn-event.js';
import type { ScanSettings } from '../settings.js';

export type ScanDecision = { readonly action: 'scan' } | { readonly action: 'ignore'; readonly reason: string };

type ParsedDeployment = Extract<ParsedDeploymentEvent, { ok: true }>;

/** Applies the trigger statuses, the own-stack rule and the stack/account/Region filters, in that order. */
export function decideScan(event: ParsedDeployment, settings: ScanSettings): ScanDecision {
  const { deployment } = event;
  const statusDecision = event.kind === 'stack' ? decideStackStatus(deployment, settings) : decideInstance(event, settings);
  if (statusDecision) return statusDecision;
  if (isOwnStack(deployment, settings)) {
    return ignore(`stack ${deployment.stackName} is this integration's own stack`);
  }
  const excludedBy = firstMatch(deployment.stackName, settings.excludeStacks);
  if (excludedBy !== undefined) return ignore(`stack ${deployment.stackName} matches excludeStacks pattern "${excludedBy}"`);
  if (!matchesAny(deployment.stackName, settings.includeStacks)) {
    return ignore(`stack ${deployment.stackName} matches no includeStacks pattern`);
  }
  if (settings.accounts.length > 0 && !settings.accounts.includes(deployment.awsAccountId)) {
    return ignore(`account ${deployment.awsAccountId} is not in the accounts filter`);
  }
  if (settings.regions.length > 0 && !settings.regions.includes(deployment.region)) {
    return ignore(`region ${deployment.region} is not in the regions filter`);
  }
  return { action: 'scan' };
}

function decideStackStatus(deployment: Deployment, settings: ScanSettings): ScanDecision | undefined {
  if (settings.triggerStatuses.includes(deployment.status)) return undefined;
  return ignore(`stack status ${deployment.status} is not a trigger status (${settings.triggerStatuses.join(', ')})`);
}

function decideInstance(event: ParsedDeployment, settings: ScanSettings): ScanDecision | undefined {
  if (!settings.stackSetTriggerStatuses.includes(event.deployment.status)) {
    return ignore(
      `StackSet instance status ${event.deployment.status} is not a trigger status (${settings.stackSetTriggerStatuses.join(', ')})`,
    );
  }
  if (event.action !== undefined && !settings.stackSetTriggerActions.includes(event.action)) {
    return ignore(`StackSet instance action ${event.action} is not a trigger action (${settings.stackSetTriggerActions.join(', ')})`);
  }
  return undefined;
}

/** The integration's stack is matched by ARN, or by name within its own account. */
function isOwnStack(deployment: Deployment, settings: ScanSettings): boolean {
  const own = settings.ownStack;
  if (own.stackId && own.stackId === deployment.stackId) return true;
  if (!own.stackName || own.stackName !== deployment.stackName) return false;
  return own.awsAccountId === undefined || own.awsAccountId === deployment.awsAccountId;
}

function ignore(reason: string): ScanDecision {
  return { action: 'ignore', reason };
}
