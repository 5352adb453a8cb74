/**
 * Composition helpers every wiring module shares: memoized factories, the state table and its
 * DynamoDB client, the container's Secrets Manager access, and what each handler derives from its
 * invocation (per-call options, its parsed state input). Everything is built on first use.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { EnvVar, readEnv } from './config.js';
import { InvalidInputError, describeIssues } from './errors.js';
import type { HandlerContext } from './observability/middleware.js';
import type { SecretsProvider } from './secrets/secrets-provider.js';
import { createDynamoClient } from './store/dynamo-client.js';

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

/**
 * The state table's settings, read on every call: constant in Lambda, but the local sandbox runs
 * both pipelines in one process and switches the environment (and so the table) between them.
 */
const tableEnv = () => readEnv(z.object({ TABLE_NAME: EnvVar.TABLE_NAME, DYNAMODB_ENDPOINT: EnvVar.DYNAMODB_ENDPOINT, AWS_REGION: EnvVar.AWS_REGION }));

const dynamoClients = new Map<string, DynamoDBClient>();

/** The DynamoDB client (DynamoDB Local when `DYNAMODB_ENDPOINT` is set): one per endpoint and Region. */
export function dynamo(): DynamoDBClient {
  const { DYNAMODB_ENDPOINT: endpoint, AWS_REGION: region } = tableEnv();
  const key = `${endpoint ?? ''} ${region ?? ''}`;
  let client = dynamoClients.get(key);
  if (client === undefined) dynamoClients.set(key, (client = createDynamoClient({ endpoint, region })));
  return client;
}

/** The state table's name. */
export const tableName = (): string => tableEnv().TABLE_NAME;

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

/** The abort signal and deadline (epoch ms; none outside Lambda) of this invocation, for every downstream call. */
export function callOptions(context: HandlerContext): { signal: AbortSignal; deadline: number | undefined } {
  return { signal: context.signal, deadline: Number.isFinite(context.deadline) ? context.deadline : undefined };
}

/**
 * Parses a state machine step's input. A mismatch means the definition and the handler drifted:
 * InvalidInputError (not retried) names the step and the bad paths (the first five in the message).
 */
export function parseStepInput<S extends z.ZodType>(schema: S, input: unknown, step: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = describeIssues(parsed.error.issues);
  throw new InvalidInputError(`${step} received an invalid state: ${issues.slice(0, 5).join('; ')}`, issues, { cause: parsed.error });
}
