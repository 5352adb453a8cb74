import { BusyError } from '../../../lambdas/core/errors.js';
import { InMemoryDeliveryLedger, deliverOnce, type DeliveryLedger } from '../../../lambdas/notify/delivery-ledger.js';
import type { Log } from '../../../lambdas/core/ports.js';
import { manualClock } from '../../helpers/clock.js';

function recordingLog(): Log & { lines: Array<{ level: string; message: string; extra?: Record<string, unknown> }> } {
  const lines: Array<{ level: string; message: string; extra?: Record<string, unknown> }> = [];
  const push = (level: string) => (message: string, extra?: Record<string, unknown>) => void lines.push({ level, message, extra });
  return { lines, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

describe('InMemoryDeliveryLedger', () => {
  describe('claim', () => {
    it('claims once, reports busy while the lease lives, and frees the key after it runs out', async () => {
      const clock = manualClock(1_000_000);
      const ledger = new InMemoryDeliveryLedger({ clock, leaseMs: 1000 });

      const first = await ledger.claim('k');
      const second = ledger.claim('k');
      await expect(second).rejects.toBeInstanceOf(BusyError);
      clock.advance(1001);
      const third = await ledger.claim('k');

      expect([first, third]).toEqual(['claimed', 'claimed']);
    });

    it('answers already-sent after markSent and returns the recorded info', async () => {
      const ledger = new InMemoryDeliveryLedger();

      await ledger.claim('k');
      await ledger.markSent('k', { ts: '1.2' });

      expect(await ledger.claim('k')).toBe('already-sent');
      expect(await ledger.lookup('k')).toEqual({ ts: '1.2' });
    });
  });
});

describe('deliverOnce', () => {
  it('sends once per key', async () => {
    const ledger = new InMemoryDeliveryLedger();
    let sends = 0;

    const outcomes = [await deliverOnce(ledger, 'k', async () => ({ n: ++sends })), await deliverOnce(ledger, 'k', async () => ({ n: ++sends }))];

    expect(outcomes).toEqual(['sent', 'already-sent']);
    expect(sends).toBe(1);
  });

  it('releases the claim when sending fails so the retry sends at once', async () => {
    const ledger = new InMemoryDeliveryLedger();
    let sends = 0;

    const failing = deliverOnce(ledger, 'k', async () => {
      sends += 1;
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    const retry = await deliverOnce(ledger, 'k', async () => ({ n: ++sends }));

    expect(retry).toBe('sent');
    expect(sends).toBe(2);
  });

  it('reports success and logs when the delivery went out but could not be recorded', async () => {
    const inner = new InMemoryDeliveryLedger();
    const ledger: DeliveryLedger = {
      claim: (key) => inner.claim(key),
      release: (key) => inner.release(key),
      lookup: (key) => inner.lookup(key),
      markSent: async () => {
        throw new Error('table unavailable');
      },
    };
    const log = recordingLog();

    const outcome = await deliverOnce(ledger, 'k', async () => ({ ok: true }), log);

    expect(outcome).toBe('sent');
    expect(log.lines).toEqual([
      { level: 'error', message: 'Delivered but could not record it; a retry of this step may deliver again', extra: { key: 'k', error: { name: 'Error', message: 'table unavailable' } } },
    ]);
  });
});
