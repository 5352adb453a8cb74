/**
 * Per-device cooldown: a device traced recently is not traced again within the window.
 *
 * One item per device with the window's end as `expiresAt` (also the TTL attribute; DynamoDB
 * deletes late, so the condition compares it with now). The claim is a conditional put, so two
 * alerts that name the same device at once cannot both trace it; the same execution claiming again
 * (a retried Lambda) gets its claim back, while another run of the same alert is refused.
 */
import type { Clock } from '../../core/ports.js';
import { systemClock } from '../../core/ports.js';
import { KeyPrefix } from '../../core/store/table-schema.js';
import type { TableStore } from '../../core/store/table-store.js';

export type CooldownClaim =
  | { readonly claimed: true }
  | { readonly claimed: false; readonly tracedAt: number; readonly alertId: string; readonly until: number };

export interface DeviceCooldownPort {
  /**
   * Claims `deviceId` for one run (`claimant`, the execution name) of `alertId` for `windowMinutes`;
   * false with the holder when it is cooling down.
   */
  claim(deviceId: string, holder: { claimant: string; alertId: string }, windowMinutes: number): Promise<CooldownClaim>;
}

/** {@link DeviceCooldownPort} on the shared state table. */
export class DeviceCooldown implements DeviceCooldownPort {
  readonly #store: TableStore;
  readonly #clock: Clock;

  constructor(options: { store: TableStore; clock?: Clock }) {
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
  }

  async claim(deviceId: string, holder: { claimant: string; alertId: string }, windowMinutes: number): Promise<CooldownClaim> {
    if (windowMinutes <= 0) return { claimed: true };
    const now = this.#clock.now();
    const nowSeconds = Math.floor(now / 1000);
    const outcome = await this.#store.put(
      {
        pk: `${KeyPrefix.deviceCooldown}${deviceId}`,
        sk: 'cooldown',
        claimant: holder.claimant,
        alertId: holder.alertId,
        tracedAt: now,
        expiresAt: nowSeconds + windowMinutes * 60,
      },
      {
        condition: 'attribute_not_exists(pk) OR #expiresAt <= :nowSeconds OR #claimant = :claimant',
        names: { '#expiresAt': 'expiresAt', '#claimant': 'claimant' },
        values: { ':nowSeconds': nowSeconds, ':claimant': holder.claimant },
      },
    );
    if (outcome.ok) return { claimed: true };
    const current = outcome.current ?? {};
    return {
      claimed: false,
      tracedAt: typeof current.tracedAt === 'number' ? current.tracedAt : now,
      alertId: typeof current.alertId === 'string' ? current.alertId : 'unknown',
      until: typeof current.expiresAt === 'number' ? current.expiresAt * 1000 : now,
    };
  }
}
