/**
 * ZIdentity's token endpoint for OneAPI (zdx-api.md §9): `POST /oauth2/v1/token`, form-encoded,
 * OAuth 2.0 client credentials with `audience=https://api.zscaler.com`. The client authenticates
 * with its secret (in the body, or HTTP Basic) or with a private-key JWT assertion (RFC 7523).
 * Tokens it issues reach ZDX only through the OneAPI prefix `/zdx/v1`.
 */
import { createPublicKey, createVerify } from 'node:crypto';
import type { SimulatorContext } from './context.js';
import { isFormEncoded, oauthError, type SimRequest, type SimResponse } from './http.js';
import { mintJwt } from './jwt.js';
import { bump } from './recorder.js';
import type { Router } from './router.js';
import { sameText } from './tokens.js';

/** The token path on the ZIdentity host (`https://<vanity>.zslogin.net/oauth2/v1/token`). */
export const ZIDENTITY_TOKEN_PATH = '/oauth2/v1/token';

const AUDIENCE = 'https://api.zscaler.com';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** `Authorization: Basic base64(id:secret)` (RFC 6749 §2.3.1), when present. */
function basicCredentials(request: SimRequest): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(request.headers.authorization?.trim() ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { clientId: decodeURIComponent(decoded), clientSecret: '' };
  return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
}

/**
 * Verifies a private-key JWT assertion against the client's registered public key: RS256
 * signature, `iss` = `sub` = client id, `aud` the OneAPI audience or this token URL, not expired,
 * and a `jti` not seen before (RFC 7523 §3). Returns why it is rejected, or undefined.
 */
function assertionProblem(assertion: string, clientId: string, publicKeyPem: string | undefined, nowMs: number, seen: Set<string>): string | undefined {
  if (publicKeyPem === undefined) return 'no public key is registered for this client';
  const parts = assertion.split('.');
  if (parts.length !== 3) return 'client_assertion is not a JWT';
  const [header, claims, signature] = parts as [string, string, string];
  let parsedHeader: { alg?: unknown };
  let parsed: { iss?: unknown; sub?: unknown; aud?: unknown; exp?: unknown; jti?: unknown };
  try {
    parsedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as typeof parsedHeader;
    parsed = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    return 'client_assertion is not a JWT';
  }
  if (parsedHeader.alg !== 'RS256') return 'client_assertion must be signed with RS256';
  const valid = createVerify('RSA-SHA256').update(`${header}.${claims}`).verify(createPublicKey(publicKeyPem), Buffer.from(signature, 'base64url'));
  if (!valid) return 'client_assertion signature does not verify';
  if (parsed.iss !== clientId || parsed.sub !== clientId) return 'client_assertion iss and sub must be the client id';
  const audiences = Array.isArray(parsed.aud) ? parsed.aud : [parsed.aud];
  if (!audiences.some((aud) => aud === AUDIENCE || (typeof aud === 'string' && aud.endsWith(ZIDENTITY_TOKEN_PATH)))) return 'client_assertion aud is not accepted';
  if (typeof parsed.exp !== 'number' || parsed.exp * 1000 <= nowMs) return 'client_assertion has expired';
  if (typeof parsed.jti === 'string') {
    if (seen.has(parsed.jti)) return 'client_assertion was already used';
    seen.add(parsed.jti);
  }
  return undefined;
}

/** Registers `POST /oauth2/v1/token`. */
export function registerZidentityRoutes(router: Router, ctx: SimulatorContext): void {
  const usedAssertionIds = new Set<string>();

  router.add('zidentity', 'POST', ZIDENTITY_TOKEN_PATH, (request): SimResponse => {
    const basic = basicCredentials(request);
    const form = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
    const field = (name: string): string | undefined => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
    const clientId = basic?.clientId ?? field('client_id');
    bump(ctx.counters.tokenRequests, `zidentity:${clientId ?? '(none)'}`);

    if (!isFormEncoded(request.headers['content-type'])) {
      throw oauthError(400, 'invalid_request', 'The token request must be application/x-www-form-urlencoded');
    }
    if (field('grant_type') !== 'client_credentials') throw oauthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
    if (field('audience') !== AUDIENCE) throw oauthError(400, 'invalid_request', `audience must be ${AUDIENCE}`);
    if (clientId === undefined || clientId === '') throw oauthError(400, 'invalid_request', 'client_id is required');

    const registered = ctx.config.credentials.oneApi;
    // RFC 6749 §5.2: a client that authenticated through the Authorization header gets 401 and a challenge.
    const rejectClient = (description: string) =>
      basic ? oauthError(401, 'invalid_client', description, { 'WWW-Authenticate': 'Basic realm="zidentity"' }) : oauthError(400, 'invalid_client', description);
    if (!sameText(clientId, registered.clientId)) throw rejectClient('Client authentication failed');
    const assertion = field('client_assertion');
    if (assertion !== undefined) {
      if (field('client_assertion_type') !== ASSERTION_TYPE) throw oauthError(400, 'invalid_request', `client_assertion_type must be ${ASSERTION_TYPE}`);
      const problem = assertionProblem(assertion, registered.clientId, registered.publicKey, request.now, usedAssertionIds);
      if (problem) throw rejectClient(`Client authentication failed: ${problem}`);
    } else {
      const secret = basic?.clientSecret ?? field('client_secret');
      if (secret === undefined || !sameText(secret, registered.clientSecret)) throw rejectClient('Client authentication failed');
    }

    const lifetime = ctx.config.oneApi.tokenLifetimeSeconds;
    const iat = Math.floor(request.now / 1000);
    const token = mintJwt({ iss: 'zidentity-simulator', sub: registered.clientId, aud: AUDIENCE, iat, exp: iat + lifetime });
    ctx.tokens.register(token, 'zdx', { kind: 'oneapi', clientId: registered.clientId }, request.now + lifetime * 1000);
    bump(ctx.counters.tokensIssued, `zidentity:${registered.clientId}`);
    return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: lifetime }, headers: { 'Cache-Control': 'no-store' } };
  });
}
