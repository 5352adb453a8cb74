/**
 * How deployments coalesce into as few ZCSPM scans as possible: pure decisions over a ZCSPM
 * account's window as last read. The store writes each decision under the condition that the window
 * is still as read; when it is not, it reads again and asks again.
 *
 * A window is `debouncing` (collecting deployments, no scan yet), `scanning` (a scan is running:
 * new deployments are set aside for ONE follow-up) or `idle`. `seq` numbers the deployment batches;
 * `windowId` is unique per window and names the execution, so StartExecution is idempotent.
 * A window whose execution died (aborted, timed out) would block the account forever, so every
 * window carries `staleAt`; past it, the next deployment takes the window over.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { Deployment } from '../../notify/results.js';

/** Identifies one scan window of one ZCSPM account (what the state machine carries). */
export interface WindowRef {
  readonly zcspmAccountId: string;
  readonly windowId: string;
  readonly seq: number;
}

export const ScanWindowSchema = z.lazy(() => z.object({
  zcspmAccountId: z.string(),
  seq: z.number().int().nonnegative(),
  windowId: z.string(),
  phase: z.enum(['debouncing', 'scanning', 'idle']),
  followUp: z.boolean(),
  openedAt: z.number(),
  openedBy: z.string(),
  staleAt: z.number(),
  chain: z.number().int().nonnegative(),
  awsAccountId: z.string(),
  region: z.string(),
  executionName: z.string(),
  deploymentCount: z.number().int().nonnegative(),
  pendingCount: z.number().int().nonnegative().default(0),
  previousWindowId: z.string().optional(),
  jobId: z.string().optional(),
  scanStartedAt: z.number().optional(),
}));

/** The window item of one ZCSPM account. */
export type ScanWindow = z.infer<typeof ScanWindowSchema>;

export type RecordOutcome =
  /** A new window was opened by this deployment: start its execution. */
  | { readonly outcome: 'opened'; readonly window: ScanWindow }
  /** The deployment joined a window that is still debouncing. */
  | { readonly outcome: 'joined'; readonly window: ScanWindow }
  /** A scan is running: the deployment waits for the window's one follow-up scan. */
  | { readonly outcome: 'follow-up'; readonly window: ScanWindow }
  /**
   * Seen before. `restartExecution` is true when this very deployment opened the window and it is
   * still debouncing: the first delivery may have died before StartExecution, so start it again
   * (idempotent by name).
   */
  | { readonly outcome: 'duplicate'; readonly window: ScanWindow | undefined; readonly restartExecution: boolean };

export type FinishOutcome =
  | { readonly followUp: false; readonly superseded: boolean }
  | { readonly followUp: true; readonly next: WindowRef };

/** The clock and the slack a phase gets past its expected end before its window counts as abandoned. */
export interface WindowTimes {
  readonly now: number;
  readonly graceMs: number;
}

/** When a phase that should take `phaseSeconds` from `now` counts as abandoned. */
export function staleAt(times: WindowTimes, phaseSeconds: number): number {
  return times.now + phaseSeconds * 1000 + times.graceMs;
}

/** Step Functions execution name of a window: unique per window, at most 80 characters, `[A-Za-z0-9-_]`. */
export function executionNameFor(zcspmAccountId: string, windowId: string): string {
  return `${zcspmAccountId}-${windowId}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
}

function refOf(window: ScanWindow): WindowRef {
  return { zcspmAccountId: window.zcspmAccountId, windowId: window.windowId, seq: window.seq };
}

/** Where a new deployment goes: `window` is the window it lands in, `seq` the batch it joins. */
export type Placement =
  /** A new window; it replaces `replaced` (an idle or abandoned window) unless that is undefined. */
  | { readonly outcome: 'opened'; readonly seq: number; readonly window: ScanWindow; readonly replaced: ScanWindow | undefined }
  /** The batch of the debouncing window. */
  | { readonly outcome: 'joined'; readonly seq: number; readonly window: ScanWindow }
  /** The next batch, set aside for the running scan's one follow-up. */
  | { readonly outcome: 'follow-up'; readonly seq: number; readonly window: ScanWindow };

/** Places a deployment not seen before, given the account's window as read (undefined: none yet). */
export function placeDeployment(
  current: ScanWindow | undefined,
  request: {
    readonly zcspmAccountId: string;
    readonly deployment: Pick<Deployment, 'awsAccountId' | 'region'>;
    readonly deploymentId: string;
    readonly debounceSeconds: number;
  },
  times: WindowTimes,
): Placement {
  const live = current !== undefined && current.phase !== 'idle' && current.staleAt > times.now;
  if (live && current.phase === 'debouncing') return { outcome: 'joined', seq: current.seq, window: current };
  if (live && current.phase === 'scanning') return { outcome: 'follow-up', seq: current.seq + 1, window: current };
  // No window, an idle one, or an abandoned one. An abandoned debouncing batch was never scanned,
  // so the new window adopts it (same seq); otherwise the next seq, which also adopts any
  // deployments an abandoned scan had set aside for its follow-up.
  const seq = current === undefined ? 1 : current.phase === 'debouncing' ? current.seq : current.seq + 1;
  const adopted = current === undefined || current.phase === 'idle' ? 0 : current.phase === 'debouncing' ? current.deploymentCount : current.pendingCount;
  const windowId = newWindowId(seq, times.now);
  const window: ScanWindow = {
    zcspmAccountId: request.zcspmAccountId,
    seq,
    windowId,
    phase: 'debouncing',
    followUp: false,
    openedAt: times.now,
    openedBy: request.deploymentId,
    staleAt: staleAt(times, request.debounceSeconds),
    chain: 0,
    awsAccountId: request.deployment.awsAccountId,
    region: request.deployment.region,
    executionName: executionNameFor(request.zcspmAccountId, windowId),
    deploymentCount: adopted + 1,
    pendingCount: 0,
  };
  return { outcome: 'opened', seq, window, replaced: current };
}

/** The answer to a deployment recorded before, given the account's window as it is now. */
export function duplicateOutcome(window: ScanWindow | undefined, deploymentId: string): RecordOutcome {
  const restartExecution = window !== undefined && window.phase === 'debouncing' && window.openedBy === deploymentId && window.chain === 0;
  return { outcome: 'duplicate', window, restartExecution };
}

/** What ending a window's scan writes. */
export type FinishStep =
  /** Nothing: the window was superseded, is idle already, or already moved on (a retry). */
  | { readonly write: 'none'; readonly outcome: FinishOutcome }
  /** The window goes idle: no deployment landed while it scanned. */
  | { readonly write: 'close'; readonly outcome: FinishOutcome }
  /** The window moves on to the batch set aside while it scanned, debouncing again as `next`. */
  | { readonly write: 'move'; readonly outcome: FinishOutcome; readonly next: WindowRef; readonly openedAt: number; readonly staleAt: number };

/** Ends the scan of `ref`, given the account's window as read. */
export function finishStep(current: ScanWindow | undefined, ref: WindowRef, debounceSeconds: number, times: WindowTimes): FinishStep {
  if (!current) return { write: 'none', outcome: { followUp: false, superseded: true } };
  if (current.windowId !== ref.windowId) {
    if (current.previousWindowId === ref.windowId && current.phase !== 'idle') {
      return { write: 'none', outcome: { followUp: true, next: refOf(current) } };
    }
    return { write: 'none', outcome: { followUp: false, superseded: true } };
  }
  if (current.phase === 'idle') return { write: 'none', outcome: { followUp: false, superseded: false } };
  if (!current.followUp) return { write: 'close', outcome: { followUp: false, superseded: false } };
  const next = { zcspmAccountId: ref.zcspmAccountId, windowId: newWindowId(current.seq + 1, times.now), seq: current.seq + 1 };
  return { write: 'move', outcome: { followUp: true, next }, next, openedAt: times.now, staleAt: staleAt(times, debounceSeconds) };
}

function newWindowId(seq: number, now: number): string {
  return `w${seq}-${now.toString(36)}`;
}

/** Stable id of one deployment: the same event delivered again maps to the same id. */
export function deploymentId(deployment: Deployment): string {
  return createHash('sha256')
    .update(`${deployment.stackId}|${deployment.deploymentKey}|${deployment.status}`)
    .digest('hex')
    .slice(0, 32);
}
