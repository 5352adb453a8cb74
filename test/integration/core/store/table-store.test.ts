import { TableStore } from '../../../../lambdas/core/store/table-store.js';
import { useTestTable } from '../../../helpers/dynamodb.js';

describe('TableStore', () => {
  const table = useTestTable('store');
  let store: TableStore;

  beforeAll(async () => {
    store = new TableStore(table);
  });

  describe('put', () => {
    it('stores every supported value type and reads it back unchanged', async () => {
      const item = {
        pk: 'test#types',
        sk: 'a',
        text: 'hello',
        count: 42.5,
        flag: true,
        nothing: null,
        list: [1, 'two', [3]],
        map: { nested: { deep: 'yes' }, n: -1 },
      };

      await store.put(item);
      const read = await store.get({ pk: 'test#types', sk: 'a' });

      expect(read).toEqual(item);
    });

    it('returns condition-failed with the current item when the condition does not hold', async () => {
      await store.put({ pk: 'test#cond', sk: 'a', owner: 'first' });

      const outcome = await store.put({ pk: 'test#cond', sk: 'a', owner: 'second' }, { condition: 'attribute_not_exists(pk)' });

      expect(outcome).toEqual({ ok: false, reason: 'condition-failed', current: { pk: 'test#cond', sk: 'a', owner: 'first' } });
      await expect(store.get({ pk: 'test#cond', sk: 'a' })).resolves.toMatchObject({ owner: 'first' });
    });
  });

  describe('update', () => {
    it('applies the update and returns the new item when the condition holds', async () => {
      await store.put({ pk: 'test#update', sk: 'a', version: 1 });

      const outcome = await store.update(
        { pk: 'test#update', sk: 'a' },
        { update: 'SET version = :next, label = :label', condition: 'version = :current', values: { ':next': 2, ':current': 1, ':label': 'x' }, returnItem: true },
      );

      expect(outcome).toEqual({ ok: true, item: { pk: 'test#update', sk: 'a', version: 2, label: 'x' } });
    });

    it('changes nothing and reports condition-failed when the condition does not hold', async () => {
      await store.put({ pk: 'test#update-stale', sk: 'a', version: 5 });

      const outcome = await store.update(
        { pk: 'test#update-stale', sk: 'a' },
        { update: 'SET version = :next', condition: 'version = :current', values: { ':next': 2, ':current': 1 } },
      );

      expect(outcome.ok).toBe(false);
      await expect(store.get({ pk: 'test#update-stale', sk: 'a' })).resolves.toMatchObject({ version: 5 });
    });
  });

  describe('delete', () => {
    it('deletes only while the condition holds', async () => {
      await store.put({ pk: 'test#delete', sk: 'a', token: 'current' });

      const refused = await store.delete({ pk: 'test#delete', sk: 'a' }, { condition: '#t = :t', names: { '#t': 'token' }, values: { ':t': 'old' } });
      const accepted = await store.delete({ pk: 'test#delete', sk: 'a' }, { condition: '#t = :t', names: { '#t': 'token' }, values: { ':t': 'current' } });

      expect(refused.ok).toBe(false);
      expect(accepted.ok).toBe(true);
      await expect(store.get({ pk: 'test#delete', sk: 'a' })).resolves.toBeUndefined();
    });
  });

  describe('transact', () => {
    it('applies a put, an update and a delete together when every condition holds', async () => {
      await store.put({ pk: 'test#tx', sk: 'counter', count: 1 });
      await store.put({ pk: 'test#tx', sk: 'old' });

      const outcome = await store.transact([
        { put: { pk: 'test#tx', sk: 'new', label: 'fresh' }, condition: 'attribute_not_exists(pk)' },
        { key: { pk: 'test#tx', sk: 'counter' }, update: 'SET #c = #c + :one', condition: '#c = :one', names: { '#c': 'count' }, values: { ':one': 1 } },
        { delete: { pk: 'test#tx', sk: 'old' }, condition: 'attribute_exists(pk)' },
      ]);

      expect(outcome).toEqual({ ok: true });
      expect((await store.query('test#tx')).map((item) => item.sk)).toEqual(['counter', 'new']);
      await expect(store.get({ pk: 'test#tx', sk: 'counter' })).resolves.toMatchObject({ count: 2 });
      await expect(store.get({ pk: 'test#tx', sk: 'new' })).resolves.toMatchObject({ label: 'fresh' });
    });

    it('changes nothing and names the writes whose condition failed', async () => {
      await store.put({ pk: 'test#tx-refused', sk: 'taken', owner: 'first' });
      await store.put({ pk: 'test#tx-refused', sk: 'counter', count: 5 });
      await store.put({ pk: 'test#tx-refused', sk: 'doomed' });

      const outcome = await store.transact([
        { put: { pk: 'test#tx-refused', sk: 'free' } },
        { put: { pk: 'test#tx-refused', sk: 'taken', owner: 'second' }, condition: 'attribute_not_exists(pk)' },
        { key: { pk: 'test#tx-refused', sk: 'counter' }, update: 'SET #c = :zero', condition: '#c = :one', names: { '#c': 'count' }, values: { ':zero': 0, ':one': 1 } },
        { delete: { pk: 'test#tx-refused', sk: 'doomed' } },
      ]);

      expect(outcome).toEqual({ ok: false, reason: 'condition-failed', failed: [1, 2] });
      expect(await store.query('test#tx-refused')).toEqual([
        { pk: 'test#tx-refused', sk: 'counter', count: 5 },
        { pk: 'test#tx-refused', sk: 'doomed' },
        { pk: 'test#tx-refused', sk: 'taken', owner: 'first' },
      ]);
    });
  });

  describe('query', () => {
    it('returns the partition in sort-key order, filtered by prefix and limited', async () => {
      for (const sk of ['b#2', 'a#1', 'b#1', 'b#3']) await store.put({ pk: 'test#query', sk });

      const prefixed = await store.query('test#query', { skPrefix: 'b#' });
      const limited = await store.query('test#query', { limit: 2, descending: true });

      expect(prefixed.map((item) => item.sk)).toEqual(['b#1', 'b#2', 'b#3']);
      expect(limited.map((item) => item.sk)).toEqual(['b#3', 'b#2']);
    });
  });
});
