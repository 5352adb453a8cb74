import { firstMatch, globToRegExp, matchesAny } from '../../../../lambdas/scan/domain/glob.js';

describe('globToRegExp', () => {
  it('treats * and ? as wildcards and everything else literally', () => {
    expect(globToRegExp('app-*').test('app-payments')).toBe(true);
    expect(globToRegExp('app-?').test('app-1')).toBe(true);
    expect(globToRegExp('app-?').test('app-12')).toBe(false);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
    expect(globToRegExp('(x)+').test('(x)+')).toBe(true);
  });
});

describe('matchesAny', () => {
  it('is true when one glob matches', () => {
    expect(matchesAny('prod-api', ['dev-*', 'prod-*'])).toBe(true);
    expect(matchesAny('prod-api', [])).toBe(false);
  });
});

describe('firstMatch', () => {
  it('names the glob that matched', () => {
    expect(firstMatch('prod-api', ['dev-*', 'prod-*', '*'])).toBe('prod-*');
    expect(firstMatch('x', ['y'])).toBeUndefined();
  });
});
