/**
 * Composition helpers every wiring module shares: memoized factories and the container's Secrets
 * Manager access, loaded on first use.
 */
import * as z from 'zod';
import { EnvVar, readEnv } from './config.js';
import type { SecretsProvider } from './secrets/secrets-provider.js';

/**
 * Memoizes a factory: built on first call, reused for the container's life. Module-level uses are
 * marked `@__PURE__` so esbuild drops the getters a handler never calls (and what they import).
 */
export function once<T>(factory: () => T): () => T {
  let built = false;
  let value: T;
  return () => {
    if (!built) {
      value = factory();
      built = true;
    }
    return value;
  };
}

let secretsProvider: Promise<SecretsProvider> | undefined;

/**
 * Secrets Manager access shared by the container (values cached for `SECRETS_MAX_AGE_SECONDS`,
 * registered for redaction). The Secrets Manager client is imported on first use, in a chunk of its
 * own: a warm container has the secrets cached, and some functions need them only on some paths
 * (ScanRequest only to notify through Slack).
 */
export function secrets(): Promise<SecretsProvider> {
  secretsProvider ??= import('./secrets/secrets-provider.js').then(
    ({ SecretsProvider: Provider }) =>
      new Provider({ maxAgeSeconds: readEnv(z.object({ SECRETS_MAX_AGE_SECONDS: EnvVar.SECRETS_MAX_AGE_SECONDS })).SECRETS_MAX_AGE_SECONDS }),
  );
  return secretsProvider;
}
