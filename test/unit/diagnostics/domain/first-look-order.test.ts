import { firstLookQueue, orderByImpact } from '../../../../lambdas/diagnostics/domain/first-look-order.js';
import type { ResolvedAlert } from '../../../../lambdas/diagnostics/domain/workflow-state.js';

const base: Omit<ResolvedAlert, 'devices' | 'skipped'> = {
  alert: { alertId: '7', ruleName: 'Poor Outlook', severity: 'High', status: 'STARTED', applicationId: '1' },
  thresholds: [],
  unlistedDevices: 0,
  notes: [],
  startedAt: '2026-12-03T09:00:00.000Z',
};

describe('firstLookQueue', () => {
  it('takes the traced devices first, then those past the cap and in cooldown; never the ones without a probe', () => {
    const queue = firstLookQueue({
      ...base,
      devices: [
        { deviceId: 'a', appId: '1', deviceName: 'A' },
        { deviceId: 'b', appId: '1' },
      ],
      skipped: [
        { deviceId: 'c', deviceName: 'C', userName: 'carol', traceId: null, status: 'capped', diagnosis: null },
        { deviceId: 'd', traceId: null, status: 'skipped_cooldown', diagnosis: null },
        { deviceId: 'e', traceId: null, status: 'no_probe', diagnosis: null },
      ],
    });

    expect(queue).toEqual([
      { deviceId: 'a', appId: '1', deviceName: 'A', traced: true },
      { deviceId: 'b', appId: '1', traced: true },
      { deviceId: 'c', appId: '1', deviceName: 'C', userName: 'carol', traced: false },
      { deviceId: 'd', appId: '1', traced: false },
    ]);
  });

  it('looks at no skipped device when the alert names no application', () => {
    const queue = firstLookQueue({ ...base, alert: { ...base.alert, applicationId: undefined }, devices: [], skipped: [{ deviceId: 'c', traceId: null, status: 'capped', diagnosis: null }] });

    expect(queue).toEqual([]);
  });
});

describe('orderByImpact', () => {
  it('puts the lowest known score first, keeps the given order otherwise, and treats -1 as unknown', () => {
    const ordered = orderByImpact([
      { id: 'no-score-1' },
      { id: 'good', score: 80 },
      { id: 'no-data', score: -1 },
      { id: 'poor', score: 20 },
      { id: 'no-score-2' },
      { id: 'poor-too', score: 20 },
    ]);

    expect(ordered.map((entry) => entry.id)).toEqual(['poor', 'poor-too', 'good', 'no-score-1', 'no-data', 'no-score-2']);
  });
});
