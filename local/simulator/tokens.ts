/**
 * Bearer tokens issued by both simulated APIs, with their scope and expiry. Checking a token
 * consults this store (not just the signature), so revocation works like on a real service.
 */
import { timingSafeEqual } from 'node:crypto';
import type { SimulatedApi } from './config.js';

/** Compares a presented credential with the registered one in constant time (for equal lengths). */
export function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * `zdx`: a legacy ZDX token (reaches `/v1`); `oneapi`: a ZIdentity token of one API client (reaches
 * `/zdx/v1`). License tokens reach license-level APIs; account tokens reach one account's APIs.
 */
export type TokenScope =
  | { kind: 'zdx' }
  | { kind: 'oneapi'; clientId: string }
  | { kind: 'license'; licenseId: string }
  | { kind: 'account'; licenseId: string; accountId: string };

interface IssuedToken {
  readonly api: SimulatedApi;
  readonly scope: TokenScope;
  readonly expiresAt: number;
  revoked: boolean;
}

/** Outcome of checking a bearer token. */
export type TokenCheck =
  | { ok: true; scope: TokenScope }
  | { ok: false; reason: 'missing' | 'unknown' | 'expired' | 'revoked' };

/** Every token issued by one simulator, for both APIs. */
export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>();

  register(token: string, api: SimulatedApi, scope: TokenScope, expiresAt: number): void {
    this.tokens.set(token, { api, scope, expiresAt, revoked: false });
  }

  /** Checks an `Authorization` header value (`Bearer <token>`) at `now`. */
  check(authorization: string | undefined, api: SimulatedApi, now: number): TokenCheck {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
    if (!match) return { ok: false, reason: 'missing' };
    const issued = this.tokens.get(match[1] as string);
    if (!issued || issued.api !== api) return { ok: false, reason: 'unknown' };
    if (issued.revoked) return { ok: false, reason: 'revoked' };
    if (now >= issued.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, scope: issued.scope };
  }

  /** Invalidates every token issued so far (optionally of one API); returns how many. */
  revokeAll(api?: SimulatedApi): number {
    let count = 0;
    for (const issued of this.tokens.values()) {
      if ((!api || issued.api === api) && !issued.revoked) {
        issued.revoked = true;
        count += 1;
      }
    }
    return count;
  }
}

/** 401 messages per rejection reason (shared by both APIs). */
export const TOKEN_REJECTION_MESSAGES: Record<Exclude<TokenCheck, { ok: true }>['reason'], string> = {
  missing: 'Missing bearer token in the Authorization header',
  unknown: 'Invalid bearer token',
  expired: 'Bearer token has expired',
  revoked: 'Bearer token has been revoked',
};
