import { jwtExpiresAt } from '../../../lambdas/zscaler/jwt.js';

function jwt(claims: unknown): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.signature`;
}

describe('jwt', () => {
  describe('jwtExpiresAt', () => {
    it('returns the exp claim in epoch ms', () => {
      expect(jwtExpiresAt(jwt({ sub: 'k', exp: 1_700_000_000 }))).toBe(1_700_000_000_000);
    });

    it('returns undefined for opaque tokens and JWTs without a usable exp', () => {
      expect(jwtExpiresAt('opaque-token')).toBeUndefined();
      expect(jwtExpiresAt(jwt({ sub: 'k' }))).toBeUndefined();
      expect(jwtExpiresAt(jwt({ exp: 'soon' }))).toBeUndefined();
      expect(jwtExpiresAt('a.!!!.c')).toBeUndefined();
    });
  });
});
