import {
  duplicateOutcome,
  executionNameFor,
  finishStep,
  placeDeployment,
  staleAt,
  type ScanWindow,
  type WindowTimes,
} from '../../../../lambdas/scan/domain/window-policy.js';

const ACCOUNT = '6f1e5c7a-0b44-4a43-9e0c-3a1b2c3d4e5f';
const NOW = Date.parse('2024-05-02T12:00:00Z');
const times: WindowTimes = { now: NOW, graceMs: 600_000 };
const request = {
  zcspmAccountId: ACCOUNT,
  deployment: { awsAccountId: '111122223333', region: 'eu-west-1' },
  deploymentId: 'dep-new',
  debounceSeconds: 60,
};

/** A window of the account as the store would read it; live (not stale) unless overridden. */
function window(overrides: Partial<ScanWindow> = {}): ScanWindow {
  return {
    zcspmAccountId: ACCOUNT,
    seq: 3,
    windowId: 'w3-old',
    phase: 'debouncing',
    followUp: false,
    openedAt: NOW - 10_000,
    openedBy: 'dep-first',
    staleAt: NOW + 1,
    chain: 0,
    awsAccountId: '111122223333',
    region: 'eu-west-1',
    executionName: executionNameFor(ACCOUNT, 'w3-old'),
    deploymentCount: 4,
    pendingCount: 0,
    ...overrides,
  };
}

describe('placeDeployment', () => {
  it('opens the first window of an account: batch 1, named after the account and window, debouncing until the debounce and grace have passed', () => {
    const placement = placeDeployment(undefined, request, times);

    expect(placement).toEqual({
      outcome: 'opened',
      seq: 1,
      replaced: undefined,
      window: {
        zcspmAccountId: ACCOUNT,
        seq: 1,
        windowId: `w1-${NOW.toString(36)}`,
        phase: 'debouncing',
        followUp: false,
        openedAt: NOW,
        openedBy: 'dep-new',
        staleAt: NOW + 60_000 + 600_000,
        chain: 0,
        awsAccountId: '111122223333',
        region: 'eu-west-1',
        executionName: executionNameFor(ACCOUNT, `w1-${NOW.toString(36)}`),
        deploymentCount: 1,
        pendingCount: 0,
      },
    });
  });

  it('joins the batch of a live debouncing window', () => {
    const current = window();

    expect(placeDeployment(current, request, times)).toEqual({ outcome: 'joined', seq: 3, window: current });
  });

  it('sets a deployment aside for the follow-up batch while a live window scans', () => {
    const current = window({ phase: 'scanning' });

    expect(placeDeployment(current, request, times)).toEqual({ outcome: 'follow-up', seq: 4, window: current });
  });

  it('opens the next batch after an idle window, adopting nothing', () => {
    const current = window({ phase: 'idle', deploymentCount: 4, pendingCount: 2, staleAt: NOW - 1 });

    const placement = placeDeployment(current, request, times);

    expect(placement).toMatchObject({ outcome: 'opened', seq: 4, replaced: current, window: { seq: 4, deploymentCount: 1, chain: 0 } });
  });

  it('takes over an abandoned debouncing window at its own batch, adopting its unscanned deployments', () => {
    const current = window({ staleAt: NOW });

    const placement = placeDeployment(current, request, times);

    expect(placement).toMatchObject({ outcome: 'opened', seq: 3, replaced: current, window: { seq: 3, deploymentCount: 5, openedBy: 'dep-new' } });
    expect(placement.window.windowId).not.toBe(current.windowId);
  });

  it('takes over an abandoned scanning window at the next batch, adopting the deployments set aside for its follow-up', () => {
    const current = window({ phase: 'scanning', followUp: true, pendingCount: 2, staleAt: NOW - 1 });

    const placement = placeDeployment(current, request, times);

    expect(placement).toMatchObject({ outcome: 'opened', seq: 4, replaced: current, window: { seq: 4, deploymentCount: 3, followUp: false, pendingCount: 0 } });
  });
});

describe('duplicateOutcome', () => {
  it('asks to restart the execution only when the deployment opened the window and it still debounces as first opened', () => {
    const verdicts = [
      duplicateOutcome(window(), 'dep-first'),
      duplicateOutcome(window(), 'dep-other'),
      duplicateOutcome(window({ phase: 'scanning' }), 'dep-first'),
      duplicateOutcome(window({ chain: 1 }), 'dep-first'),
      duplicateOutcome(undefined, 'dep-first'),
    ].map((outcome) => (outcome.outcome === 'duplicate' ? outcome.restartExecution : undefined));

    expect(verdicts).toEqual([true, false, false, false, false]);
  });

  it('answers with the window as it is now', () => {
    const current = window();

    expect(duplicateOutcome(current, 'dep-other')).toEqual({ outcome: 'duplicate', window: current, restartExecution: false });
  });
});

describe('finishStep', () => {
  const ref = { zcspmAccountId: ACCOUNT, windowId: 'w3-old', seq: 3 };

  it('writes nothing and reports superseded when the account has no window', () => {
    expect(finishStep(undefined, ref, 60, times)).toEqual({ write: 'none', outcome: { followUp: false, superseded: true } });
  });

  it('writes nothing and reports superseded when another window took over', () => {
    const takenOver = window({ windowId: 'w3-new' });
    const movedOnThenIdle = window({ windowId: 'w4-next', seq: 4, previousWindowId: 'w3-old', phase: 'idle' });

    expect([finishStep(takenOver, ref, 60, times), finishStep(movedOnThenIdle, ref, 60, times)]).toEqual([
      { write: 'none', outcome: { followUp: false, superseded: true } },
      { write: 'none', outcome: { followUp: false, superseded: true } },
    ]);
  });

  it('returns the same follow-up again when a retry finds the window already moved on', () => {
    const movedOn = window({ windowId: 'w4-next', seq: 4, previousWindowId: 'w3-old', phase: 'scanning' });

    expect(finishStep(movedOn, ref, 60, times)).toEqual({
      write: 'none',
      outcome: { followUp: true, next: { zcspmAccountId: ACCOUNT, windowId: 'w4-next', seq: 4 } },
    });
  });

  it('writes nothing for a window that is idle already', () => {
    expect(finishStep(window({ phase: 'idle' }), ref, 60, times)).toEqual({ write: 'none', outcome: { followUp: false, superseded: false } });
  });

  it('closes a window without late deployments', () => {
    expect(finishStep(window({ phase: 'scanning' }), ref, 60, times)).toEqual({ write: 'close', outcome: { followUp: false, superseded: false } });
  });

  it('moves on to the late deployments as the next batch, debouncing again', () => {
    const step = finishStep(window({ phase: 'scanning', followUp: true, pendingCount: 2 }), ref, 90, times);

    const next = { zcspmAccountId: ACCOUNT, windowId: `w4-${NOW.toString(36)}`, seq: 4 };
    expect(step).toEqual({ write: 'move', outcome: { followUp: true, next }, next, openedAt: NOW, staleAt: NOW + 90_000 + 600_000 });
  });
});

describe('staleAt', () => {
  it('is the end of the phase plus the grace', () => {
    expect(staleAt({ now: 1_000, graceMs: 500 }, 3)).toBe(4_500);
  });
});

describe('executionNameFor', () => {
  it('keeps only the characters Step Functions allows and at most 80 of them', () => {
    expect(executionNameFor('acc:1/2', 'w1-x')).toBe('acc_1_2-w1-x');
    expect(executionNameFor('a'.repeat(100), 'w1-x')).toBe('a'.repeat(80));
  });
});
