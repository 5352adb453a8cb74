/**
 * Reads the `exp` claim of a JWT without verifying it. Used only to learn when a token we were just
 * given expires; the server stays the judge of validity.
 */
export function jwtExpiresAt(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    const exp = (claims as { exp?: unknown } | null)?.exp;
    return typeof exp === 'number' && Number.isFinite(exp) && exp > 0 ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * When a token received at `now` expires: the earlier of the JWT's `exp` (when it is a JWT with one)
 * and `now + lifetimeSeconds` (the response's `expires_in`, or the documented default).
 */
export function tokenExpiresAt(token: string, now: number, lifetimeSeconds: number): number {
  const fromLifetime = now + lifetimeSeconds * 1000;
  const fromJwt = jwtExpiresAt(token);
  return fromJwt === undefined ? fromLifetime : Math.min(fromJwt, fromLifetime);
}
