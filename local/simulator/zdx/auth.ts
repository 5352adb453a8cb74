/**
 * ZDX authentication (zdx-api.md §1): `POST /v1/oauth/token` with the hashed key secret and a
 * timestamp inside a 15-minute window, `GET /v1/oauth/validate`, `GET /v1/oauth/jwks`, and the
 * bearer check every other ZDX route goes through.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { SimulatorContext } from '../context.js';
import { parseBody, zdxError, type Handler, type SimRequest } from '../http.js';
import { jwks, mintJwt } from '../jwt.js';
import { bump } from '../recorder.js';
import { sameText, TOKEN_REJECTION_MESSAGES } from '../tokens.js';
import type { Router } from '../router.js';

const TokenRequestSchema = z.object({
  key_id: z.string().min(1, 'must be a non-empty string'),
  key_secret: z.string().min(1, 'must be a non-empty string'),
  timestamp: z.union([z.number().int(), z.string().regex(/^\d+$/, 'must be epoch seconds').transform(Number)]).optional(),
});

/** sha256 hex of `<secret>:<timestamp>`, as the SDKs compute `key_secret`. */
export function zdxKeySecretHash(secret: string, timestamp: number): string {
  return createHash('sha256').update(`${secret}:${timestamp}`).digest('hex');
}

/**
 * Rejects the request with 401 unless it carries a live ZDX bearer token issued for the door it
 * came through: a legacy ZDX token on `/v1`, a ZIdentity token on OneAPI's `/zdx/v1` (assumptions
 * `oneapi-token-transport`).
 */
export function requireZdxToken(ctx: SimulatorContext, request: SimRequest): void {
  const check = ctx.tokens.check(request.headers.authorization, 'zdx', request.now);
  if (!check.ok) throw zdxError(401, 'UNAUTHORIZED', TOKEN_REJECTION_MESSAGES[check.reason]);
  const oneApi = request.transport === 'oneapi';
  if (oneApi && check.scope.kind !== 'oneapi') throw zdxError(401, 'UNAUTHORIZED', 'Invalid bearer token: OneAPI accepts ZIdentity access tokens only');
  if (!oneApi && check.scope.kind === 'oneapi') throw zdxError(401, 'UNAUTHORIZED', 'Invalid bearer token: this API accepts ZDX API key tokens only');
}

/** Wraps a handler with the bearer check. */
export function zdxAuthed(ctx: SimulatorContext, handler: Handler): Handler {
  return (request) => {
    requireZdxToken(ctx, request);
    return handler(request);
  };
}

/** Registers `/v1/oauth/token`, `/v1/oauth/validate` and `/v1/oauth/jwks`. */
export function registerZdxAuthRoutes(router: Router, ctx: SimulatorContext): void {
  router.add('zdx', 'POST', '/v1/oauth/token', (request) => {
    bump(ctx.counters.tokenRequests, 'zdx');
    const body = parseBody('zdx', TokenRequestSchema, request.body, 'token request');
    const { keyId, keySecret } = ctx.config.credentials.zdx;
    const rejected = (message: string) => zdxError(401, 'UNAUTHORIZED', message);
    if (!sameText(body.key_id, keyId)) throw rejected('Invalid API key credentials');
    if (body.timestamp === undefined) {
      if (!ctx.config.zdx.acceptPlainSecret) throw zdxError(400, 'BAD_REQUEST', 'Invalid token request: timestamp: required (epoch seconds used in the key_secret hash)');
      if (!sameText(body.key_secret, keySecret)) throw rejected('Invalid API key credentials');
    } else {
      const nowSec = Math.floor(request.now / 1000);
      if (Math.abs(nowSec - body.timestamp) > ctx.config.zdx.timestampWindowSeconds) {
        throw rejected(`Request timestamp is outside the allowed window of ${ctx.config.zdx.timestampWindowSeconds} seconds`);
      }
      if (!sameText(body.key_secret.toLowerCase(), zdxKeySecretHash(keySecret, body.timestamp))) throw rejected('Invalid API key credentials');
    }
    const lifetime = ctx.config.zdx.tokenLifetimeSeconds;
    const iat = Math.floor(request.now / 1000);
    const token = mintJwt({ sub: keyId, aud: ctx.config.zdx.audience, iss: 'zdx-simulator', iat, exp: iat + Math.ceil(lifetime) });
    ctx.tokens.register(token, 'zdx', { kind: 'zdx' }, request.now + lifetime * 1000);
    bump(ctx.counters.tokensIssued, 'zdx');
    return { status: 200, body: { token, token_type: 'Bearer', expires_in: lifetime } };
  });

  router.add('zdx', 'GET', '/v1/oauth/validate', zdxAuthed(ctx, () => ({ status: 200, body: { valid: true } })));
  router.add('zdx', 'GET', '/v1/oauth/jwks', zdxAuthed(ctx, () => ({ status: 200, body: jwks() })));
}
