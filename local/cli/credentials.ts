/**
 * Credentials for `zsa` commands, from one of two places:
 *
 * - the environment: `ZDX_KEY_ID`, `ZDX_KEY_SECRET`, `ZCSPM_APP_ID`, `ZCSPM_APP_SECRET`,
 *   `ZCSPM_SUBSCRIPTION_KEY`, `SLACK_WEBHOOK_URL` (what CI systems inject);
 * - the deployed secrets: `--zdx-secret-arn` / `--zcspm-secret-arn` / `--slack-secret-arn`, or all of
 *   them from the outputs of the deployed stack with `--secrets-from-stack [--stack-name NAME]`, read
 *   through lambdas/core/secrets (validated, and registered with the redactor as they are read).
 *
 * Every value is registered for redaction before anything can print it. Errors say which variable,
 * option or secret is missing, never a value.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { ConfigError } from '../../lambdas/core/errors.js';
import { SecretsProvider, secretNameFromArn } from '../../lambdas/core/secrets/secrets-provider.js';
import { ZcspmCredentials as ZcspmSecretSchema, ZdxCredentials as ZdxSecretSchema, ZdxOneApiCredentials as ZdxOneApiSecretSchema } from '../../lambdas/core/secrets/schemas.js';
import { ZDX_AUTH_MODES } from '../../lambdas/core/config.js';
import { type ZdxAuth } from '../../lambdas/zscaler/zdx/oneapi.js';
import { stringOption, flag, UsageError, type ParsedValues } from './args.js';
import { protectSecrets, type CliIo } from './io.js';

/** Name the CDK app gives the central stack (bin/app.ts). */
export const DEFAULT_STACK_NAME = 'ZscalerAwsAutomations';

/**
 * Values of the placeholder secrets the stack creates (lib/constructs/credentials.ts
 * `SECRET_PLACEHOLDER_PREFIX`; repeated here so the CLI does not load aws-cdk-lib).
 */
const PLACEHOLDER_PREFIX = 'REPLACE_WITH_';

/** Stack outputs that carry the secret ARNs (lib/stacks/integration-stack.ts). */
const STACK_OUTPUTS = { zdx: 'ZdxSecretArn', zcspm: 'ZcspmSecretArn', slack: 'SlackSecretArn' } as const;

/** Where each credential comes from. */
export interface CredentialSources {
  readonly fromStack: boolean;
  readonly stackName: string;
  readonly region: string | undefined;
  readonly zdxSecretArn: string | undefined;
  readonly zcspmSecretArn: string | undefined;
  readonly slackSecretArn: string | undefined;
  /** `--zdx-auth`: overrides `ZDX_AUTH` and the configuration's `zdx.auth`. */
  readonly zdxAuth?: ZdxAuth | undefined;
}

/** Reads the credential options (help.ts, "Credentials and endpoints") from parsed arguments. */
export function credentialSources(values: ParsedValues): CredentialSources {
  const arn = (name: string) => {
    const value = stringOption(values, name);
    if (value !== undefined && !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(value)) {
      throw new UsageError(`--${name} must be a Secrets Manager secret ARN`);
    }
    return value;
  };
  return {
    fromStack: flag(values, 'secrets-from-stack'),
    stackName: stringOption(values, 'stack-name') ?? DEFAULT_STACK_NAME,
    region: stringOption(values, 'region'),
    zdxSecretArn: arn('zdx-secret-arn'),
    zcspmSecretArn: arn('zcspm-secret-arn'),
    slackSecretArn: arn('slack-secret-arn'),
    zdxAuth: zdxAuthOption(stringOption(values, 'zdx-auth'), '--zdx-auth'),
  };
}

/** A ZDX auth mode from an option or variable (`api-key` or `oneapi`), or undefined when absent. */
export function zdxAuthOption(raw: string | undefined, name: string): ZdxAuth | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = raw.trim().toLowerCase();
  const match = ZDX_AUTH_MODES.find((mode) => mode === value);
  if (!match) throw new UsageError(`${name} must be one of ${ZDX_AUTH_MODES.join(', ')} (got "${raw}")`);
  return match;
}

export interface ZdxKey {
  readonly keyId: string;
  readonly keySecret: string;
  /** `environment` or `secret <name>`. */
  readonly source: string;
}

/** A ZIdentity API client for ZDX through OneAPI: its secret or its private key. */
export interface ZdxOneApiClient {
  readonly clientId: string;
  readonly clientSecret?: string | undefined;
  readonly privateKey?: string | undefined;
  readonly source: string;
}

/** The ZDX credential of one auth mode. */
export type ZdxCredential = { readonly auth: 'api-key'; readonly key: ZdxKey } | { readonly auth: 'oneapi'; readonly client: ZdxOneApiClient };

export interface ZcspmApp {
  readonly applicationId: string;
  readonly applicationSecret: string;
  readonly subscriptionKey: string;
  readonly source: string;
}

export interface SlackWebhook {
  readonly webhookUrl: string | undefined;
  readonly botToken: string | undefined;
  readonly source: string;
}

/** Slack's secret read leniently, so `doctor` can say what is wrong with it instead of failing the read. */
const SlackSecretSchema = z.object({
  webhookUrl: z.string().optional(),
  botToken: z.string().optional(),
  channel: z.string().optional(),
});

/** Resolves credentials on demand (a command asks only for what it uses). */
export class CredentialResolver {
  #provider: SecretsProvider | undefined;
  #stackOutputs: Promise<Readonly<Record<string, string>>> | undefined;

  constructor(
    private readonly io: CliIo,
    private readonly sources: CredentialSources,
  ) {}

  /** True when credentials come from Secrets Manager rather than the environment. */
  get usesSecrets(): boolean {
    const s = this.sources;
    return s.fromStack || s.zdxSecretArn !== undefined || s.zcspmSecretArn !== undefined || s.slackSecretArn !== undefined;
  }

  /** The ZDX API key. @throws ConfigError naming what is missing */
  async zdx(): Promise<ZdxKey> {
    const secret = await this.filledSecret('zdx', this.sources.zdxSecretArn, ZdxSecretSchema);
    if (secret !== undefined) return secret;
    const env = this.fromEnv(['ZDX_KEY_ID', 'ZDX_KEY_SECRET'], 'the ZDX API key');
    protectSecrets(env.ZDX_KEY_SECRET);
    return { keyId: env.ZDX_KEY_ID!, keySecret: env.ZDX_KEY_SECRET!, source: 'environment' };
  }

  /** The ZDX credential `auth` needs: the API key, or the ZIdentity API client. */
  async zdxFor(auth: ZdxAuth): Promise<ZdxCredential> {
    return auth === 'oneapi' ? { auth, client: await this.zdxOneApi() } : { auth, key: await this.zdx() };
  }

  /**
   * The ZIdentity API client: from the ZDX secret (`{ clientId, clientSecret | privateKey }`), or from
   * `ZSCALER_CLIENT_ID` with `ZSCALER_CLIENT_SECRET` or `ZSCALER_PRIVATE_KEY` (the official SDKs' names).
   */
  async zdxOneApi(): Promise<ZdxOneApiClient> {
    const secret = await this.filledSecret('zdx', this.sources.zdxSecretArn, ZdxOneApiSecretSchema);
    if (secret !== undefined) return secret;
    const id = this.fromEnv(['ZSCALER_CLIENT_ID'], 'the ZDX OneAPI client');
    const clientSecret = this.io.env.ZSCALER_CLIENT_SECRET?.trim() || undefined;
    const privateKey = this.io.env.ZSCALER_PRIVATE_KEY?.trim() || undefined;
    if ((clientSecret === undefined) === (privateKey === undefined)) {
      throw new ConfigError('the ZDX OneAPI client needs exactly one of ZSCALER_CLIENT_SECRET or ZSCALER_PRIVATE_KEY (or use --secrets-from-stack)');
    }
    protectSecrets(clientSecret, privateKey);
    return { clientId: id.ZSCALER_CLIENT_ID!, clientSecret, privateKey, source: 'environment' };
  }

  /** The ZCSPM API application and subscription key. @throws ConfigError naming what is missing */
  async zcspm(): Promise<ZcspmApp> {
    const secret = await this.filledSecret('zcspm', this.sources.zcspmSecretArn, ZcspmSecretSchema);
    if (secret !== undefined) return secret;
    const env = this.fromEnv(['ZCSPM_APP_ID', 'ZCSPM_APP_SECRET', 'ZCSPM_SUBSCRIPTION_KEY'], 'the ZCSPM API application');
    protectSecrets(env.ZCSPM_APP_SECRET, env.ZCSPM_SUBSCRIPTION_KEY);
    return {
      applicationId: env.ZCSPM_APP_ID!,
      applicationSecret: env.ZCSPM_APP_SECRET!,
      subscriptionKey: env.ZCSPM_SUBSCRIPTION_KEY!,
      source: 'environment',
    };
  }

  /** The Slack webhook (and bot token), or undefined when none is configured anywhere. */
  async slack(): Promise<SlackWebhook | undefined> {
    const arn = await this.secretArn('slack', this.sources.slackSecretArn);
    if (arn !== undefined) {
      const value = await this.provider().get(arn, SlackSecretSchema);
      return { webhookUrl: value.webhookUrl, botToken: value.botToken, source: `secret ${secretNameFromArn(arn)}` };
    }
    const url = this.io.env.SLACK_WEBHOOK_URL?.trim();
    if (!url) return undefined;
    protectSecrets(url);
    return { webhookUrl: url, botToken: undefined, source: 'environment' };
  }

  /** The secret's validated value with its source, undefined when the credential comes from the environment. */
  private async filledSecret<S extends z.ZodType<Record<string, unknown>>>(
    name: keyof typeof STACK_OUTPUTS,
    explicit: string | undefined,
    schema: S,
  ): Promise<(z.output<S> & { source: string }) | undefined> {
    const arn = await this.secretArn(name, explicit);
    if (arn === undefined) return undefined;
    const value = await this.provider().get(arn, schema);
    notPlaceholder(arn, value);
    return { ...value, source: `secret ${secretNameFromArn(arn)}` };
  }

  private fromEnv(names: readonly string[], what: string): Record<string, string | undefined> {
    const values = Object.fromEntries(names.map((name) => [name, this.io.env[name]?.trim() || undefined]));
    const missing = names.filter((name) => values[name] === undefined);
    if (missing.length > 0) {
      throw new ConfigError(`${what} is not configured: set ${missing.join(', ')} (or use --secrets-from-stack)`);
    }
    return values;
  }

  private async secretArn(name: keyof typeof STACK_OUTPUTS, explicit: string | undefined): Promise<string | undefined> {
    if (explicit !== undefined) return explicit;
    if (!this.sources.fromStack) return undefined;
    const outputs = await (this.#stackOutputs ??= this.readStackOutputs());
    const arn = outputs[STACK_OUTPUTS[name]];
    if (arn === undefined) throw new ConfigError(`stack ${this.sources.stackName} has no output ${STACK_OUTPUTS[name]}: is it the zscaler-aws-automations stack?`);
    return arn;
  }

  private async readStackOutputs(): Promise<Readonly<Record<string, string>>> {
    const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
    const client = this.io.aws?.cloudFormation ?? new CloudFormationClient(this.sources.region ? { region: this.sources.region } : {});
    let stacks;
    try {
      stacks = (await client.send(new DescribeStacksCommand({ StackName: this.sources.stackName }))).Stacks ?? [];
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      throw new ConfigError(`cannot read stack ${this.sources.stackName}: ${name}: ${message}`, { cause: error });
    }
    const stack = stacks[0];
    if (!stack) throw new ConfigError(`stack ${this.sources.stackName} was not found`);
    return Object.fromEntries((stack.Outputs ?? []).flatMap((output) => (output.OutputKey && output.OutputValue ? [[output.OutputKey, output.OutputValue]] : [])));
  }

  private provider(): SecretsProvider {
    if (!this.#provider) {
      const region = this.sources.region;
      const client = this.io.aws?.secretsManager ?? new SecretsManagerClient(region ? { region } : {});
      this.#provider = new SecretsProvider({ client });
    }
    return this.#provider;
  }
}

function notPlaceholder(arn: string, value: Record<string, unknown>): void {
  const unfilled = Object.entries(value)
    .filter(([, field]) => typeof field === 'string' && field.startsWith(PLACEHOLDER_PREFIX))
    .map(([key]) => key);
  if (unfilled.length > 0) {
    throw new ConfigError(`secret ${secretNameFromArn(arn)} has not been filled in (${unfilled.join(', ')} still hold the deploy-time placeholder)`);
  }
}

/** True when a secret field still holds the deploy-time placeholder. */
export function isPlaceholder(value: string | undefined): boolean {
  return value !== undefined && value.startsWith(PLACEHOLDER_PREFIX);
}
