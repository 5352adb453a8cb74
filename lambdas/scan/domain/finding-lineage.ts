/**
 * Lineage of failed assets across scans: when a scan first saw each failure, and which deployment
 * introduced it. Security Hub findings keep `CreatedAt` from the first sighting and name the
 * introducing stack, so both are remembered with the failure in the scan history and carried from
 * scan to scan.
 */
import type { IntroducingDeployment } from '../../notify/channels/security-hub/findings.js';
import type { Deployment } from '../../notify/results.js';
import type { StackRef } from '../ports.js';
import { failureKey } from './report.js';
import type { RememberedFailure, TrackedFailure } from '../adapters/scan-history-store.js';

/**
 * The current failures with their lineage. A failure the previous scan had keeps its first
 * sighting and introducing deployment; a new one is first seen at `seenAt` and, when its resource
 * belongs to a stack deployed in this window (`ownerOf`), introduced by that stack's latest
 * deployment. Without a previous scan every failure is new (the first scan is the baseline).
 */
export function trackFailures(
  current: readonly RememberedFailure[],
  previous: readonly TrackedFailure[] | undefined,
  context: { readonly seenAt: string; readonly ownerOf: (failure: RememberedFailure) => StackRef | undefined; readonly deployments: readonly Deployment[] },
): TrackedFailure[] {
  const known = new Map((previous ?? []).map((failure) => [failureKey(failure), failure]));
  return current.map((failure) => {
    const before = known.get(failureKey(failure));
    if (before) {
      return {
        ...failure,
        firstSeenAt: before.firstSeenAt ?? context.seenAt,
        ...(before.introducedBy ? { introducedBy: before.introducedBy } : {}),
      };
    }
    const owner = context.ownerOf(failure);
    const introducedBy = owner ? introducingDeployment(owner, context.deployments) : undefined;
    return { ...failure, firstSeenAt: context.seenAt, ...(introducedBy ? { introducedBy } : {}) };
  });
}

/** The failure without its lineage (what the scan report carries). */
export function withoutLineage(failure: TrackedFailure): RememberedFailure {
  const { firstSeenAt: _firstSeenAt, introducedBy: _introducedBy, ...rest } = failure;
  return rest;
}

/** The latest deployment of `stack` in the window (stack id first, name as a fallback). */
function introducingDeployment(stack: StackRef, deployments: readonly Deployment[]): IntroducingDeployment | undefined {
  const own = deployments.filter((deployment) => deployment.stackId === stack.stackId || deployment.stackName === stack.stackName);
  const latest = [...own].sort((a, b) => Date.parse(b.time) - Date.parse(a.time))[0];
  return latest ? { stackName: latest.stackName, stackId: latest.stackId, time: latest.time } : undefined;
}
