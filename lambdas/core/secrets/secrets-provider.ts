/**
 * Reads JSON secrets from Secrets Manager with a max-age cache, validates them with zod and registers
 * every value with the redactor before anyone can print it.
 *
 * Contract:
 * - One fetch per secret and max age per container; concurrent callers share the in-flight fetch.
 * - A failed fetch, a non-JSON value or a value its schema rejects is never cached: the next call
 *   fetches again (the operator may be fixing the secret right now).
 * - Errors name the secret (the name part of the ARN) and the failing keys, never a value.
 * - Transient AWS errors (throttling, 5xx, network) are rethrown as the SDK raised them (after the
 *   SDK's own retries) so callers and Step Functions may retry; a missing, unreadable or invalid
 *   secret is a ConfigError.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { z } from 'zod';
import { ConfigError, describeIssues } from '../errors.js';
import { systemClock, type Clock } from '../ports.js';
import { redact, registerSecret, registerSecretValues } from '../observability/redaction.js';

export interface SecretsProviderOptions {
  /** Defaults to a client for the Lambda's region, created on the first fetch. */
  readonly client?: SecretsManagerClient;
  /** How long a fetched value is reused. @default 300 */
  readonly maxAgeSeconds?: number;
  readonly clock?: Clock;
}

/** A value with an expiry; the whole cache is a map of these. */
class ExpirableValue {
  constructor(
    readonly value: unknown,
    readonly expiresAt: number,
  ) {}
  isExpired(now: number): boolean {
    return now >= this.expiresAt;
  }
}

/** Errors that mean "the secret is not there or not ours to read": retrying will not help. */
const PERMANENT_ERRORS = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'DecryptionFailure',
  'InvalidRequestException',
  'InvalidParameterException',
  'ValidationException',
]);

/**
 * The human-readable name of a secret from its ARN (`arn:...:secret:zsa/zdx-AbCdEf` -> `zsa/zdx`);
 * anything that is not an ARN is returned as is.
 */
export function secretNameFromArn(secretId: string): string {
  const match = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)$/.exec(secretId);
  if (!match) return secretId;
  const name = match[1] as string;
  // Secrets Manager appends `-` and six random characters to the name in the ARN.
  return name.replace(/-[A-Za-z0-9]{6}$/, '');
}

/** Cached, validated access to JSON secrets. Create one per container, at module scope. */
export class SecretsProvider {
  #client: SecretsManagerClient | undefined;
  readonly #maxAgeMs: number;
  readonly #clock: Clock;
  readonly #cache = new Map<string, ExpirableValue>();
  readonly #inFlight = new Map<string, Promise<unknown>>();

  constructor(options: SecretsProviderOptions = {}) {
    this.#client = options.client;
    this.#maxAgeMs = (options.maxAgeSeconds ?? 300) * 1000;
    this.#clock = options.clock ?? systemClock;
  }

  /** Returns the secret's JSON parsed by `schema`, from cache when younger than the max age. */
  async get<TSchema extends z.ZodType>(secretArn: string, schema: TSchema): Promise<z.infer<TSchema>> {
    const raw = await this.#raw(secretArn);
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      this.#cache.delete(secretArn);
      const issues = describeIssues(parsed.error.issues).map(redact);
      throw new ConfigError(`secret ${secretNameFromArn(secretArn)} is invalid: ${issues.join('; ')}`);
    }
    return parsed.data as z.infer<TSchema>;
  }

  /** Drops one cached secret (or all), e.g. after the credential it holds was rejected. */
  forget(secretArn?: string): void {
    if (secretArn === undefined) this.#cache.clear();
    else this.#cache.delete(secretArn);
  }

  async #raw(secretArn: string): Promise<unknown> {
    const cached = this.#cache.get(secretArn);
    if (cached && !cached.isExpired(this.#clock.now())) return cached.value;
    const pending = this.#inFlight.get(secretArn);
    if (pending) return pending;
    const fetch = this.#fetch(secretArn).finally(() => this.#inFlight.delete(secretArn));
    this.#inFlight.set(secretArn, fetch);
    return fetch;
  }

  async #fetch(secretArn: string): Promise<unknown> {
    const name = secretNameFromArn(secretArn);
    this.#client ??= new SecretsManagerClient({});
    let secretString: string | undefined;
    try {
      const output = await this.#client.send(new GetSecretValueCommand({ SecretId: secretArn }));
      secretString = output.SecretString;
    } catch (error) {
      if (error instanceof Error && PERMANENT_ERRORS.has(error.name)) {
        throw new ConfigError(`secret ${name} could not be read: ${error.name}`, { cause: error });
      }
      throw error;
    }
    if (secretString === undefined) throw new ConfigError(`secret ${name} has no string value (binary secrets are not supported)`);
    registerSecret(secretString);
    let value: unknown;
    try {
      value = JSON.parse(secretString);
    } catch {
      // The parser's message quotes the text around the error, i.e. part of the secret: not kept.
      throw new ConfigError(`secret ${name} is not valid JSON`);
    }
    registerSecretValues(value);
    this.#cache.set(secretArn, new ExpirableValue(value, this.#clock.now() + this.#maxAgeMs));
    return value;
  }
}
