import { TableStore } from '../../../../lambdas/core/store/table-store.js';
import { AlertLedger, ENDED_CLAIM_STATE, STALE_CLAIM_MS } from '../../../../lambdas/diagnostics/adapters/alert-ledger.js';
import { manualClock } from '../../../helpers/clock.js';
import { useTestTable } from '../../../helpers/dynamodb.js';

describe('AlertLedger', () => {
  const table = useTestTable('ledger');
  let store: TableStore;

  beforeAll(async () => {
    store = new TableStore(table);
  });

  describe('an end delivered before or during the start', () => {
    it('refuses every later claim of an alert whose end was recorded first', async () => {
      const ledger = new AlertLedger({ store, clock: manualClock() });
      await ledger.recordStatus('ended-1', 'ENDED', {});

      const claim = await ledger.claimStart('ended-1', { executionName: 'alert-ended-1' });

      expect(claim).toEqual({ claimed: false, state: ENDED_CLAIM_STATE });
    });

    it('does not let a stale pending claim be taken over once the end arrived, nor drop the end when the claim is abandoned', async () => {
      const clock = manualClock();
      const ledger = new AlertLedger({ store, clock });
      await ledger.claimStart('ended-2', { executionName: 'alert-ended-2' });
      await ledger.recordStatus('ended-2', 'ENDED', {});
      clock.advance(STALE_CLAIM_MS + 1);

      const takeover = await ledger.claimStart('ended-2', { executionName: 'alert-ended-2' });
      await ledger.abandonClaim('ended-2');
      const afterAbandon = await ledger.claimStart('ended-2', { executionName: 'alert-ended-2' });

      expect(takeover).toMatchObject({ claimed: false, state: 'pending' });
      expect(afterAbandon).toMatchObject({ claimed: false, state: ENDED_CLAIM_STATE });
    });

    it('keeps a started claim started when the end arrives after it', async () => {
      const ledger = new AlertLedger({ store, clock: manualClock() });
      await ledger.claimStart('ended-3', { executionName: 'alert-ended-3' });
      await ledger.markStarted('ended-3', 'arn:aws:states:eu-west-1:1:execution:AlertDiagnostics:alert-ended-3');
      await ledger.recordStatus('ended-3', 'ENDED', {});

      expect(await ledger.claimStart('ended-3', { executionName: 'alert-ended-3' })).toEqual({ claimed: false, state: 'started', executionName: 'alert-ended-3' });
    });
  });

  describe('claimStart', () => {
    it('lets exactly one of many concurrent deliveries claim an alert', async () => {
      const ledger = new AlertLedger({ store, clock: manualClock() });

      const claims = await Promise.all(Array.from({ length: 8 }, () => ledger.claimStart('race-1', { executionName: 'alert-race-1' })));

      expect(claims.filter((claim) => claim.claimed)).toHaveLength(1);
      expect(claims.filter((claim) => !claim.claimed)).toHaveLength(7);
    });

    it('reports the state of the winning claim to a duplicate', async () => {
      const ledger = new AlertLedger({ store, clock: manualClock() });
      await ledger.claimStart('dup-1', { executionName: 'alert-dup-1', ruleName: 'Slow', severity: 'High' });
      await ledger.markStarted('dup-1', 'arn:aws:states:eu-west-1:1:execution:AlertDiagnostics:alert-dup-1');

      const duplicate = await ledger.claimStart('dup-1', { executionName: 'alert-dup-1' });

      expect(duplicate).toEqual({ claimed: false, state: 'started', executionName: 'alert-dup-1' });
      expect(await store.get({ pk: 'alert#dup-1', sk: 'status#STARTED' })).toMatchObject({ ruleName: 'Slow', severity: 'High', expiresAt: expect.any(Number) });
    });

    it('takes over a pending claim abandoned for longer than a minute, never a started one', async () => {
      const clock = manualClock();
      const ledger = new AlertLedger({ store, clock });
      await ledger.claimStart('stale-1', { executionName: 'alert-stale-1' });
      await ledger.claimStart('started-1', { executionName: 'alert-started-1' });
      await ledger.markStarted('started-1', 'arn');
      clock.advance(STALE_CLAIM_MS + 1);

      expect(await ledger.claimStart('stale-1', { executionName: 'alert-stale-1' })).toEqual({ claimed: true });
      expect((await ledger.claimStart('started-1', { executionName: 'alert-started-1' })).claimed).toBe(false);
    });
  });

  describe('abandonClaim', () => {
    it('drops a pending claim so the next delivery can start at once', async () => {
      const ledger = new AlertLedger({ store, clock: manualClock() });
      await ledger.claimStart('abandon-1', { executionName: 'alert-abandon-1' });

      await ledger.abandonClaim('abandon-1');

      expect(await ledger.claimStart('abandon-1', { executionName: 'alert-abandon-1' })).toEqual({ claimed: true });
    });
  });

  describe('recordStatus', () => {
    it('records each ended status once', async () => {
      const ledger = new AlertLedger({ store, clock: manualClock() });

      const first = await ledger.recordStatus('ended-1', 'ENDED_ON_RULE_DEL', { ruleName: 'Slow', endTime: 1763802000 });
      const second = await ledger.recordStatus('ended-1', 'ENDED_ON_RULE_DEL', {});

      expect([first, second]).toEqual([true, false]);
    });
  });
});
