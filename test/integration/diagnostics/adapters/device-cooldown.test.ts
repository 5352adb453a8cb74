import { TableStore } from '../../../../lambdas/core/store/table-store.js';
import { DeviceCooldown } from '../../../../lambdas/diagnostics/adapters/device-cooldown.js';
import { manualClock } from '../../../helpers/clock.js';
import { useTestTable } from '../../../helpers/dynamodb.js';

describe('DeviceCooldown', () => {
  const table = useTestTable('cooldown');
  let store: TableStore;

  beforeAll(async () => {
    store = new TableStore(table);
  });

  describe('claim', () => {
    it('refuses a device traced for another alert within the window, naming the holder and the end', async () => {
      const clock = manualClock(Date.UTC(2025, 10, 22, 9, 0, 0));
      const cooldown = new DeviceCooldown({ store, clock });
      await cooldown.claim('d-1', { claimant: 'run-alert-a', alertId: 'alert-a' }, 30);
      clock.advance(5 * 60_000);

      const second = await cooldown.claim('d-1', { claimant: 'run-alert-b', alertId: 'alert-b' }, 30);

      expect(second).toEqual({ claimed: false, alertId: 'alert-a', tracedAt: Date.UTC(2025, 10, 22, 9, 0, 0), until: Date.UTC(2025, 10, 22, 9, 30, 0) });
    });

    it('lets the same run claim again (a retried ResolveDevices) but not another run of the same alert', async () => {
      const cooldown = new DeviceCooldown({ store, clock: manualClock() });
      await cooldown.claim('d-2', { claimant: 'run-alert-a', alertId: 'alert-a' }, 30);

      expect(await cooldown.claim('d-2', { claimant: 'run-alert-a', alertId: 'alert-a' }, 30)).toEqual({ claimed: true });
      expect((await cooldown.claim('d-2', { claimant: 'manual-run', alertId: 'alert-a' }, 30)).claimed).toBe(false);
    });

    it('lets another alert claim once the window has passed, even before TTL deletes the item', async () => {
      const clock = manualClock();
      const cooldown = new DeviceCooldown({ store, clock });
      await cooldown.claim('d-3', { claimant: 'run-alert-a', alertId: 'alert-a' }, 30);
      clock.advance(30 * 60_000);

      expect(await cooldown.claim('d-3', { claimant: 'run-alert-b', alertId: 'alert-b' }, 30)).toEqual({ claimed: true });
    });

    it('lets exactly one of two alerts racing for a device win', async () => {
      const cooldown = new DeviceCooldown({ store, clock: manualClock() });

      const claims = await Promise.all([cooldown.claim('d-4', { claimant: 'run-alert-a', alertId: 'alert-a' }, 30), cooldown.claim('d-4', { claimant: 'run-alert-b', alertId: 'alert-b' }, 30)]);

      expect(claims.filter((claim) => claim.claimed)).toHaveLength(1);
    });

    it('claims nothing when the cooldown is disabled', async () => {
      const cooldown = new DeviceCooldown({ store, clock: manualClock() });
      await cooldown.claim('d-5', { claimant: 'run-alert-a', alertId: 'alert-a' }, 0);

      expect(await cooldown.claim('d-5', { claimant: 'run-alert-b', alertId: 'alert-b' }, 0)).toEqual({ claimed: true });
      expect(await store.get({ pk: 'cooldown#d-5', sk: 'cooldown' })).toBeUndefined();
    });
  });
});
