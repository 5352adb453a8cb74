import { formatTable } from '../../../bench/lib/table.js';

describe('table', () => {
  describe('formatTable', () => {
    it('aligns text left and numeric columns right under a rule line', () => {
      const headers = ['name', 'ms'];
      const rows = [
        ['alpha', 5],
        ['b', 123.5],
      ];

      const text = formatTable(headers, rows);

      expect(text.split('\n')).toEqual(['name      ms', '-----  -----', 'alpha      5', 'b      123.5']);
    });

    it('prints booleans as yes/no and missing values as a dash', () => {
      const headers = ['fits', 'value'];
      const rows = [
        [true, null],
        [false, Number.NaN],
      ];

      const text = formatTable(headers, rows);

      expect(text.split('\n').slice(2)).toEqual(['yes       -', 'no        -']);
    });
  });
});
