import type { WindowUsage } from '../../../../lambdas/core/rate-budget/shared-rate-budget.js';
import { budgetHeadroom, budgetShortNote, orderByPriority, severityRank, type WorkPriority } from '../../../../lambdas/diagnostics/domain/work-priority.js';

const deepTrace = (overrides: Partial<WorkPriority> = {}): WorkPriority => ({ priorityClass: 'deepTrace', severity: 'High', impactedDevices: 10, ...overrides });

function usage(window: WindowUsage['window'], used: number, limit: number, freesInMs = 0): WindowUsage {
  return { window, used, limit, tenantLimit: limit * 2, fractionUsed: used / limit, freesInMs, pledged: 0 };
}

describe('work-priority', () => {
  describe('orderByPriority', () => {
    it('puts first looks before deep traces, then higher severity, then more impacted devices', () => {
      const work = [
        { id: 'low-trace', ...deepTrace({ severity: 'Low', impactedDevices: 60 }) },
        { id: 'medium-small', ...deepTrace({ severity: 'Medium', impactedDevices: 5 }) },
        { id: 'medium-large', ...deepTrace({ severity: 'Medium', impactedDevices: 40 }) },
        { id: 'high-trace', ...deepTrace({ severity: 'high' }) },
        { id: 'low-first-look', ...deepTrace({ priorityClass: 'firstLook', severity: 'Low' }) },
        { id: 'unknown', ...deepTrace({ severity: 'Critical-ish' }) },
      ];

      const order = orderByPriority(work, (item) => item).map((item) => item.id);

      expect(order).toEqual(['low-first-look', 'high-trace', 'medium-large', 'medium-small', 'low-trace', 'unknown']);
    });

    it('takes one device per location before a second of the same location, keeping the given order otherwise', () => {
      const devices = [
        ...Array.from({ length: 10 }, (_, i) => ({ id: `hq-${i + 1}`, group: 'HQ' })),
        { id: 'remote-1', group: 'Remote' },
        { id: 'branch-1', group: 'Branch' },
        { id: 'remote-2', group: 'Remote' },
      ];

      const order = orderByPriority(devices, (device) => deepTrace({ group: device.group })).map((device) => device.id);

      expect(order.slice(0, 6)).toEqual(['hq-1', 'remote-1', 'branch-1', 'hq-2', 'remote-2', 'hq-3']);
      expect(order.indexOf('branch-1')).toBeLessThan(order.indexOf('hq-10'));
      expect(order).toHaveLength(13);
    });

    it('keeps the given order when no work names a group, and leaves its input untouched', () => {
      const input = ['a', 'b', 'c'];

      const order = orderByPriority(input, () => deepTrace());

      expect(order).toEqual(['a', 'b', 'c']);
      expect(order).not.toBe(input);
    });
  });

  describe('severityRank', () => {
    it('ranks High, Medium, Low and then anything else, whatever the case', () => {
      expect(['HIGH', 'Medium', 'low', ''].map(severityRank)).toEqual([0, 1, 2, 3]);
    });
  });

  describe('budgetHeadroom', () => {
    it('leaves nothing for first looks and more for lower severities and smaller alerts', () => {
      const headrooms = [
        budgetHeadroom(deepTrace({ priorityClass: 'firstLook', severity: 'Low' })),
        budgetHeadroom(deepTrace({ impactedDevices: 50 })),
        budgetHeadroom(deepTrace({ impactedDevices: 0 })),
        budgetHeadroom(deepTrace({ severity: 'Medium', impactedDevices: 25 })),
        budgetHeadroom(deepTrace({ severity: 'Low', impactedDevices: 0 })),
      ];

      expect(headrooms).toEqual([0, 0, 0.05, 0.125, 0.25]);
    });
  });

  describe('budgetShortNote', () => {
    it('says how many were not traced, which budget, how much is used and when it frees up', () => {
      expect(budgetShortNote(12, usage('hour', 360, 450, 21.2 * 60_000))).toBe('12 devices not traced: hourly API budget 80% used; next window in 22 min');
      expect(budgetShortNote(1, usage('day', 4_500, 4_500, 5 * 3_600_000))).toBe('1 device not traced: daily API budget 100% used; next window in 5 h');
    });
  });
});
