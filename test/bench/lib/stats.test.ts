import { median, percentile, round, shuffled } from '../../../bench/lib/stats.js';

describe('stats', () => {
  describe('median', () => {
    it('returns the middle value when the count is odd', () => {
      const values = [5, 1, 3];

      const result = median(values);

      expect(result).toBe(3);
    });

    it('returns the mean of the two middle values when the count is even', () => {
      const values = [4, 1, 3, 2];

      const result = median(values);

      expect(result).toBe(2.5);
    });

    it('throws when the sample is empty', () => {
      const values: number[] = [];

      const act = () => median(values);

      expect(act).toThrow('percentile of an empty sample');
    });
  });

  describe('percentile', () => {
    it('interpolates between the closest ranks', () => {
      const values = [10, 20, 30, 40, 50];

      const results = [percentile(values, 0), percentile(values, 25), percentile(values, 90), percentile(values, 100)];

      expect(results).toEqual([10, 20, 46, 50]);
    });

    it('rejects a percentile outside 0..100', () => {
      const values = [1, 2];

      const act = () => percentile(values, 101);

      expect(act).toThrow('percentile must be within 0..100, got 101');
    });
  });

  describe('round', () => {
    it('keeps the given number of decimals', () => {
      const value = 2.3456;

      const results = [round(value), round(value, 2), round(value, 0)];

      expect(results).toEqual([2.3, 2.35, 2]);
    });
  });

  describe('shuffled', () => {
    it('returns a permutation and leaves the input unchanged', () => {
      const items = [1, 2, 3, 4, 5];
      let state = 0.37;
      const random = () => (state = (state * 7.13) % 1);

      const result = shuffled(items, random);

      expect([...result].sort()).toEqual([1, 2, 3, 4, 5]);
      expect(items).toEqual([1, 2, 3, 4, 5]);
    });
  });
});
