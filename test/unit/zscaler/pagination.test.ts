import { iterateCursor, iterateNumbered } from '../../../lambdas/zscaler/pagination.js';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('pagination', () => {
  describe('iterateCursor', () => {
    it('follows next_offset until it is null', async () => {
      const pages: Record<string, { items: number[]; nextOffset: string | null }> = {
        '': { items: [1, 2], nextOffset: 'a' },
        a: { items: [3], nextOffset: 'b' },
        b: { items: [4], nextOffset: null },
      };
      const asked: Array<string | undefined> = [];

      const items = await collect(
        iterateCursor(async (offset) => {
          asked.push(offset);
          return pages[offset ?? '']!;
        }),
      );

      expect(items).toEqual([1, 2, 3, 4]);
      expect(asked).toEqual([undefined, 'a', 'b']);
    });

    it('stops when the server repeats a cursor it already gave', async () => {
      let calls = 0;

      const items = await collect(
        iterateCursor(async () => {
          calls++;
          return { items: [calls], nextOffset: 'same' };
        }),
      );

      expect(items).toEqual([1, 2]);
    });

    it('fetches lazily: a consumer that stops early asks for no more pages', async () => {
      let calls = 0;
      const iterator = iterateCursor(async () => {
        calls++;
        return { items: [1, 2, 3], nextOffset: `o${calls}` };
      });

      for await (const item of iterator) if (item === 2) break;

      expect(calls).toBe(1);
    });
  });

  describe('iterateNumbered', () => {
    it('reads pages from 1 until the total is reached', async () => {
      const asked: number[] = [];

      const items = await collect(
        iterateNumbered(2, async (page) => {
          asked.push(page);
          return { items: page < 3 ? [page * 10, page * 10 + 1] : [30], total: 5 };
        }),
      );

      expect(items).toEqual([10, 11, 20, 21, 30]);
      expect(asked).toEqual([1, 2, 3]);
    });

    it('stops on an empty page even when the total says more', async () => {
      const items = await collect(iterateNumbered(2, async (page) => ({ items: page === 1 ? [1, 2] : [], total: 100 })));

      expect(items).toEqual([1, 2]);
    });
  });
});
