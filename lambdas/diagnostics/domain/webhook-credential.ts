/**
 * Checks the credential on a ZDX webhook delivery.
 *
 * ZDX signs nothing (zdx-api.md §6): a receiver can only check the Basic or Bearer credential it
 * was configured with. The comparison is constant-time: both sides are hashed to fixed-length
 * SHA-256 digests first, so neither the length nor the content of the expected value leaks through
 * timing, and `timingSafeEqual` never throws on a length mismatch.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { WebhookCredentials } from '../../core/secrets/schemas.js';

/**
 * The configured credential: the webhook secret's JSON (lambdas/core/secrets/schemas.ts
 * `WebhookCredentials`). Configure ZDX with the same values: "Token" authentication sends
 * `Authorization: Bearer <bearerToken>`, "Basic" sends the username and password.
 */
export type WebhookCredential = WebhookCredentials;

export type CredentialCheck = { readonly ok: true; readonly scheme: 'bearer' | 'basic' } | { readonly ok: false; readonly reason: string };

const MAX_HEADER_LENGTH = 8_192;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function sameSecret(presented: string, expected: string | undefined): boolean {
  // Hash even when nothing is configured so both branches cost the same.
  const equal = timingSafeEqual(digest(presented), digest(expected ?? ''));
  return expected !== undefined && equal;
}

/**
 * Verifies an `Authorization` header against the configured credential. Never throws; the reason
 * on failure is safe to return to the caller (it never echoes the presented value).
 */
export function checkWebhookCredential(authorization: string | undefined, expected: WebhookCredential): CredentialCheck {
  if (authorization === undefined || authorization.trim() === '') return { ok: false, reason: 'missing Authorization header' };
  if (authorization.length > MAX_HEADER_LENGTH) return { ok: false, reason: 'Authorization header is too long' };
  const match = /^\s*(bearer|basic)\s+(\S+)\s*$/i.exec(authorization);
  if (!match) return { ok: false, reason: 'Authorization must be "Bearer <token>" or "Basic <credentials>"' };
  const scheme = match[1]!.toLowerCase() as 'bearer' | 'basic';
  const value = match[2]!;
  if (scheme === 'bearer') {
    return sameSecret(value, expected.bearerToken) ? { ok: true, scheme } : { ok: false, reason: 'wrong credential' };
  }
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const configured = expected.basic ? `${expected.basic.username}:${expected.basic.password}` : undefined;
  return sameSecret(decoded, configured) ? { ok: true, scheme } : { ok: false, reason: 'wrong credential' };
}
