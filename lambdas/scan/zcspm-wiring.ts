/**
 * The ZCSPM client of the scan functions that call ZCSPM (InitiateScan, GetScanStatus,
 * CollectReport): one HTTP client per container, tokens from the shared DynamoDB cache (license
 * and per-account scopes), credentials from Secrets Manager.
 */
import * as z from 'zod';
import { SharedTokenCache, tokenCacheKey } from '../core/auth/token-cache.js';
import { EnvVar, readEnv } from '../core/config.js';
import { HttpClient } from '../core/http/http-client.js';
import { ZcspmCredentials } from '../core/secrets/schemas.js';
import { ZcspmClient, fetchZcspmToken } from '../zscaler/zcspm/client.js';
import { dynamo, once, secrets, tableName } from '../core/wiring.js';

const zcspmEnv = /* @__PURE__ */ once(() =>
  readEnv(
    z.object({
      ZCSPM_BASE_URL: EnvVar.ZCSPM_BASE_URL,
      ZCSPM_LICENSE_ID: EnvVar.ZCSPM_LICENSE_ID,
      ZCSPM_SECRET_ARN: EnvVar.ZCSPM_SECRET_ARN,
      ZCSPM_TOKEN_LIFETIME_SECONDS: EnvVar.ZCSPM_TOKEN_LIFETIME_SECONDS,
    }),
  ),
);

const zcspmHttp = /* @__PURE__ */ once(() => new HttpClient({ baseUrl: zcspmEnv().ZCSPM_BASE_URL }));

let cached: { fingerprint: string; client: ZcspmClient } | undefined;

/**
 * The ZCSPM client. Rebuilt only when the credential in Secrets Manager changed (the provider
 * rereads it after its max age), so warm invocations reuse its token sources and connections.
 */
export async function zcspmClient(): Promise<ZcspmClient> {
  const env = zcspmEnv();
  const credentials = await (await secrets()).get(env.ZCSPM_SECRET_ARN, ZcspmCredentials);
  // A digest, never the values: it only tells whether the credential changed.
  const fingerprint = tokenCacheKey('zcspm', credentials.applicationId, credentials.subscriptionKey, credentials.applicationSecret);
  if (cached?.fingerprint === fingerprint) return cached.client;
  const http = zcspmHttp();
  const client = new ZcspmClient({
    http,
    licenseId: env.ZCSPM_LICENSE_ID,
    subscriptionKey: credentials.subscriptionKey,
    tokens: (scope) =>
      new SharedTokenCache({
        dynamo: dynamo(),
        tableName: tableName(),
        // Non-secret identity of the credential and scope; the token cache hashes it.
        cacheKey: tokenCacheKey('zcspm', env.ZCSPM_BASE_URL, env.ZCSPM_LICENSE_ID, credentials.applicationId, scope.accountId ?? 'license'),
        fetchToken: (signal) =>
          fetchZcspmToken(
            http,
            { licenseId: env.ZCSPM_LICENSE_ID, ...credentials, accountId: scope.accountId },
            { lifetimeSeconds: env.ZCSPM_TOKEN_LIFETIME_SECONDS, signal, secretId: env.ZCSPM_SECRET_ARN },
          ),
      }),
  });
  cached = { fingerprint, client };
  return client;
}
