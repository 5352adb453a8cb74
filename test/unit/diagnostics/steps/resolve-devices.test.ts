import { ResponseShapeError } from '../../../../lambdas/core/errors.js';
import type { PledgeRequest } from '../../../../lambdas/core/rate-budget/shared-rate-budget.js';
import { resolveDevices } from '../../../../lambdas/diagnostics/steps/resolve-devices.js';
import type { DiagnosticsExecutionInput } from '../../../../lambdas/diagnostics/domain/workflow-input.js';
import { FakeCooldown, FakeZdx } from '../../../helpers/diagnostics/fakes.js';
import { manualClock } from '../../../helpers/clock.js';

const webhookInput: DiagnosticsExecutionInput = {
  source: 'webhook',
  alert: {
    alertId: '7263519',
    status: 'STARTED',
    ruleName: 'Poor Outlook Online Page Fetch Time',
    severity: 'High',
    zdxUrl: 'https://admin.zdxcloud.net/zdx/alerts/7263519',
    criteria: { op: 'AND', conditions: [{ conditionString: 'Page Fetch Time > 3000 ms', isHit: true }] },
    extra: {},
  },
};

function devices(count: number) {
  return Array.from({ length: count }, (_, index) => ({ id: 1001 + index, name: `LAPTOP-${index + 1}`, userid: 50 + index, userName: `User ${index + 1}`, userEmail: `u${index + 1}@example.com` }));
}

function setup(options: { cap?: number; cooldownMinutes?: number } = {}) {
  const clock = manualClock(Date.UTC(2025, 10, 22, 9, 0, 0));
  const zdx = new FakeZdx();
  const cooldown = new FakeCooldown(clock);
  const deps = {
    zdx,
    cooldown,
    clock,
    settings: { perAlertDeviceCap: options.cap ?? 15, deviceCooldownMinutes: options.cooldownMinutes ?? 120, minSeverity: 'Low' as const },
  };
  return { clock, zdx, cooldown, deps };
}

/** A budget whose hour window pays for `traces` more traces, 86% used, freeing up in 22 minutes; it records each request. */
function hourBudget(traces: number) {
  const hour = { window: 'hour' as const, used: 388, limit: 450, tenantLimit: 1_000, fractionUsed: 388 / 450, freesInMs: 21.5 * 60_000, pledged: 0 };
  const requests: PledgeRequest[] = [];
  return {
    requests,
    pledge: async (request: PledgeRequest) => {
      requests.push(request);
      return request.units <= traces ? { granted: request.units } : { granted: traces, binding: hour };
    },
  };
}

describe('resolve-devices', () => {
  describe('resolveDevices with a short ZDX budget', () => {
    it('traces only what the hour can pay for, one device per location first, and says what was skipped and why', async () => {
      const { zdx, deps, cooldown } = setup();
      zdx.alert = { ...(zdx.alert as object), locations: [{ id: 71, name: 'HQ', num_devices: 4 }, { id: 72, name: 'Remote', num_devices: 2 }] };
      zdx.affected = devices(6).map((device, i) => ({ ...device, location: i < 4 ? 71 : 72 }));

      const budget = hourBudget(2);

      const resolved = await resolveDevices(webhookInput, { ...deps, budget }, 'alert-7263519');

      expect(resolved.devices.map((device) => device.deviceId)).toEqual(['1001', '1005']);
      expect(resolved.skipped.map((device) => [device.deviceId, device.status])).toEqual([
        ['1002', 'skipped_budget'],
        ['1006', 'skipped_budget'],
        ['1003', 'skipped_budget'],
        ['1004', 'skipped_budget'],
      ]);
      expect(resolved.notes).toEqual(['4 devices not traced: hourly API budget 86% used; next window in 22 min']);
      // High severity, 6 devices: 4.4% of the hour left to higher priorities; 5-min session + 2 min of calls.
      expect(budget.requests).toEqual([{ units: 6, callsEach: 12, headroom: 0.044, durationMs: 7 * 60_000, fairShare: 0.25 }]);
      expect(zdx.calls.filter((call) => call.includes('loc='))).toEqual([
        'GET /alerts/7263519/affected_devices?loc=71&offset=0',
        'GET /alerts/7263519/affected_devices?loc=71&offset=2',
        'GET /alerts/7263519/affected_devices?loc=72&offset=0',
      ]);
      // A device skipped for budget is not put in cooldown: the next alert may trace it.
      expect((await cooldown.claim('1002', { claimant: 'later', alertId: 'later' }, 60)).claimed).toBe(true);
    });

    it('reads no locations and skips nothing while the budget covers every device', async () => {
      const { zdx, deps } = setup();
      zdx.alert = { ...(zdx.alert as object), locations: [{ id: 71, name: 'HQ' }, { id: 72, name: 'Remote' }] };
      zdx.affected = devices(3);

      const resolved = await resolveDevices(webhookInput, { ...deps, budget: hourBudget(50) }, 'alert-7263519');

      expect(resolved.devices).toHaveLength(3);
      expect(resolved.notes).toEqual([]);
      expect(zdx.calls.some((call) => call.includes('loc='))).toBe(false);
    });

    it('traces nothing when the budget is spent, and tells the notification so', async () => {
      const { zdx, deps } = setup();
      zdx.affected = devices(2);

      const resolved = await resolveDevices(webhookInput, { ...deps, budget: hourBudget(0) }, 'alert-7263519');

      expect(resolved.devices).toEqual([]);
      expect(resolved.notes).toEqual(['2 devices not traced: hourly API budget 86% used; next window in 22 min']);
      expect(resolved.skipped[0]?.reason).toBe('not traced: the hour API budget cannot pay for another deep trace');
    });
  });

  describe('resolveDevices', () => {
    it('returns every affected device across pages with the alert application', async () => {
      const { zdx, deps } = setup();
      zdx.affected = devices(3);

      const resolved = await resolveDevices(webhookInput, deps, 'alert-7263519');

      expect(resolved.devices).toEqual([
        { deviceId: '1001', deviceName: 'LAPTOP-1', userName: 'User 1', appId: '4' },
        { deviceId: '1002', deviceName: 'LAPTOP-2', userName: 'User 2', appId: '4' },
        { deviceId: '1003', deviceName: 'LAPTOP-3', userName: 'User 3', appId: '4' },
      ]);
      expect(resolved.alert).toMatchObject({ alertId: '7263519', applicationId: '4', applicationName: 'Outlook Online', criteriaString: 'Page Fetch Time > 3000 ms' });
      expect(resolved.thresholds[0]).toMatchObject({ kind: 'page_fetch_time', value: 3000 });
      expect(resolved.zdxUrl).toBe('https://admin.zdxcloud.net/zdx/alerts/7263519');
      expect(zdx.calls.filter((call) => call.includes('affected_devices'))).toHaveLength(2);
    });

    it('reports devices past the per-alert cap as capped, one by one', async () => {
      const { zdx, deps } = setup({ cap: 2 });
      zdx.affected = devices(5);

      const resolved = await resolveDevices(webhookInput, deps, 'alert-7263519');

      expect(resolved.devices.map((device) => device.deviceId)).toEqual(['1001', '1002']);
      expect(resolved.skipped.map((device) => [device.deviceId, device.status])).toEqual([
        ['1003', 'capped'],
        ['1004', 'capped'],
        ['1005', 'capped'],
      ]);
      expect(resolved.skipped[0]?.reason).toBe('not traced: the per-alert cap of 2 devices was reached');
    });

    it('skips a device traced for another alert within the cooldown and says until when', async () => {
      const { zdx, deps, cooldown, clock } = setup({ cooldownMinutes: 60 });
      zdx.affected = devices(2);
      await cooldown.claim('1002', { claimant: 'alert-other-alert', alertId: 'other-alert' }, 60);
      clock.advance(10 * 60_000);

      const resolved = await resolveDevices(webhookInput, deps, 'alert-7263519');

      expect(resolved.devices.map((device) => device.deviceId)).toEqual(['1001']);
      expect(resolved.skipped).toEqual([
        expect.objectContaining({
          deviceId: '1002',
          status: 'skipped_cooldown',
          reason: 'skipped: traced at 2025-11-22T09:00:00.000Z for alert other-alert; cooldown until 2025-11-22T10:00:00.000Z',
        }),
      ]);
    });

    it('traces a device again once its cooldown has passed', async () => {
      const { zdx, deps, cooldown, clock } = setup({ cooldownMinutes: 60 });
      zdx.affected = devices(1);
      await cooldown.claim('1001', { claimant: 'alert-other-alert', alertId: 'other-alert' }, 60);
      clock.advance(61 * 60_000);

      const resolved = await resolveDevices(webhookInput, deps, 'alert-7263519');

      expect(resolved.devices).toHaveLength(1);
    });

    it('counts a device listed twice by the pagination once', async () => {
      const { zdx, deps } = setup();
      zdx.affected = [...devices(2), devices(1)[0]!];

      const resolved = await resolveDevices(webhookInput, deps, 'alert-7263519');

      expect(resolved.devices).toHaveLength(2);
    });

    it('traces nothing and says why when the alert has no application', async () => {
      const { zdx, deps } = setup();
      zdx.alert = { id: 7263519, rule_name: 'Device CPU', severity: 'High' };
      zdx.affected = devices(2);

      const resolved = await resolveDevices(webhookInput, deps, 'alert-7263519');

      expect(resolved.devices).toEqual([]);
      expect(resolved.notes[0]).toMatch(/names no application/);
    });

    it('applies the severity filter with the API severity when the trigger had none', async () => {
      const { zdx, deps } = setup();
      zdx.alert = { id: 1, rule_name: 'Slow', severity: 'Low', application: { id: 4, name: 'Outlook' } };

      const resolved = await resolveDevices(
        { source: 'manual', alert: { alertId: '1', status: 'STARTED', ruleName: 'Manual alert diagnostics', extra: {} } },
        { ...deps, settings: { ...deps.settings, minSeverity: 'High' } },
        'manual-alert-1-evt',
      );

      expect(resolved.alert.ruleName).toBe('Slow');
      expect(resolved.devices).toEqual([]);
      expect(resolved.notes).toEqual(['severity Low is below the configured minimum High; nothing traced']);
    });

    it('uses the requested devices of a manual trigger without calling ZDX', async () => {
      const { zdx, deps } = setup();

      const resolved = await resolveDevices(
        { source: 'manual', alert: { alertId: 'manual-1001-4', status: 'STARTED', extra: {} }, devices: [{ deviceId: '1001', appId: '4' }] },
        deps,
        'manual-1001-4-evt',
      );

      expect(resolved.devices).toEqual([{ deviceId: '1001', appId: '4' }]);
      expect(zdx.calls).toEqual([]);
    });

    it('names the endpoint and field when ZDX returns an unexpected alert', async () => {
      const { zdx, deps } = setup();
      zdx.alert = { rule_name: 'no id' };

      await expect(resolveDevices(webhookInput, deps, 'alert-7263519')).rejects.toThrow(ResponseShapeError);
      await expect(resolveDevices(webhookInput, deps, 'alert-7263519')).rejects.toThrow('GET /v1/alerts/{alertId} returned an unexpected body: id:');
    });
  });
});
