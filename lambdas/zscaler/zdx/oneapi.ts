/**
 * ZDX through Zscaler OneAPI: the bearer token comes from ZIdentity (OAuth 2.0 client credentials)
 * instead of ZDX's own `/v1/oauth/token`, and the same ZDX v1 paths live under `/zdx/v1` on the
 * OneAPI gateway (shared/reference/zdx-api.md §9, "Important orientation").
 *
 * Wire details follow Zscaler's official SDKs: zscaler-sdk-go `zscaler/oneapiclient.go`
 * (`Authenticate`, `authenticateWithCert`, `getAuthURL`, `GetAPIBaseURL`) and zscaler-sdk-python
 * `zscaler/oneapi_oauth_client.py` (`_authenticate_with_client_secret`, `_authenticate_with_private_key`).
 */
import { createSign, randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { FetchedToken } from '../../core/auth/token-cache.js';
import type { CallOptions, HttpClient } from '../../core/http/http-client.js';
import { systemClock, type Clock } from '../../core/ports.js';
import type { ZdxOneApiCredentials } from '../../core/secrets/schemas.js';
import { tokenExpiresAt } from '../jwt.js';
import { ZDX_AUTH_MODES } from '../../core/config.js';

export type ZdxAuth = (typeof ZDX_AUTH_MODES)[number];

/** Path prefix of every ZDX call per transport: the legacy host serves `/v1`, OneAPI `/zdx/v1`. */
export const ZDX_PATH_PREFIX: Readonly<Record<ZdxAuth, string>> = { 'api-key': '/v1', oneapi: '/zdx/v1' };

/** The `audience` ZIdentity requires for OneAPI tokens (and the `aud` of a client assertion). */
const ONEAPI_AUDIENCE = 'https://api.zscaler.com';

/** The production OneAPI gateway; other clouds use `https://api.<cloud>.zsapi.net`. */
export const DEFAULT_ONEAPI_BASE_URL = 'https://api.zsapi.net';

/** RFC 7523 client assertion type (private-key JWT client authentication). */
const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Lifetime of a client assertion: the SDKs sign theirs for 10 minutes. */
const ASSERTION_SECONDS = 600;

/** Lifetime assumed when the token response names none (the Python SDK's fallback; ZIdentity's default). */
const DEFAULT_ONEAPI_TOKEN_SECONDS = 3_600;

/** The production ZIdentity token endpoint of a vanity domain: `https://<vanity>.zslogin.net/oauth2/v1/token`. */
export function zidentityTokenUrl(vanityDomain: string): string {
  return `https://${vanityDomain}.zslogin.net/oauth2/v1/token`;
}

/** ZIdentity's token response (RFC 6749 §5.1). The Go SDK decodes `expires_in` as a number or a numeric string. */
const ZidentityTokenResponseSchema = z.lazy(() => z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.union([z.number().positive(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
}));

/**
 * A signed RS256 client assertion (RFC 7523 §3) with the claims both SDKs send: `iss` = `sub` =
 * client id, `aud` = {@link ONEAPI_AUDIENCE}, `exp` 10 minutes ahead; plus `iat` and a unique `jti`
 * so a captured assertion cannot be replayed as a fresh one.
 */
export function clientAssertion(clientId: string, privateKeyPem: string, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iss: clientId, sub: clientId, aud: ONEAPI_AUDIENCE, iat, exp: iat + ASSERTION_SECONDS, jti: randomUUID() })}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKeyPem).toString('base64url');
  return `${signingInput}.${signature}`;
}

/**
 * POST the token URL's path (on `http`, whose base URL is the token URL's origin), form-encoded:
 * `grant_type=client_credentials`, `client_id`, `audience`, and either `client_secret` or a signed
 * `client_assertion`. `expiresAt` is the earlier of `expires_in` and the JWT's `exp`. Neither the
 * secret nor the assertion can appear in an error. ZIdentity is not the ZDX gateway, so this call
 * draws nothing from the ZDX rate budget.
 */
export async function fetchOneApiToken(
  http: HttpClient,
  tokenPath: string,
  credentials: ZdxOneApiCredentials,
  clock: Clock = systemClock,
  options: CallOptions = {},
): Promise<FetchedToken> {
  const now = clock.now();
  const assertion = credentials.privateKey === undefined ? undefined : clientAssertion(credentials.clientId, credentials.privateKey, now);
  const form: Record<string, string> = {
    grant_type: 'client_credentials',
    client_id: credentials.clientId,
    audience: ONEAPI_AUDIENCE,
    ...(assertion === undefined
      ? { client_secret: credentials.clientSecret ?? '' }
      : { client_assertion: assertion, client_assertion_type: CLIENT_ASSERTION_TYPE }),
  };
  const response = await http.request({
    method: 'POST',
    path: tokenPath,
    schema: ZidentityTokenResponseSchema,
    form,
    idempotent: true,
    sensitive: [credentials.clientSecret, credentials.privateKey, assertion],
    signal: options.signal,
    deadline: options.deadline,
  });
  return { token: response.access_token, expiresAt: tokenExpiresAt(response.access_token, now, response.expires_in ?? DEFAULT_ONEAPI_TOKEN_SECONDS) };
}

/** Splits a token URL into the HTTP client's base (its origin) and the request path. */
export function tokenEndpoint(tokenUrl: string): { readonly origin: string; readonly path: string } {
  const url = new URL(tokenUrl);
  return { origin: url.origin, path: url.pathname };
}
