/**
 * Security Hub clients that call as the account a finding belongs to: the central account's own
 * client for its own findings, and for a member account a client on the credentials of the import
 * role its forwarder stack created ({@link memberImportRoleName}), assumed with STS. Assumed
 * credentials are cached per account and Region until shortly before they expire.
 *
 * The Security Hub and STS clients are loaded on first use, so functions with the channel off (and
 * every cold start) never read them.
 */
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { STSClient } from '@aws-sdk/client-sts';
import { systemClock, type Clock } from '../../../core/ports.js';
import { classifyAwsError } from '../aws-errors.js';
import type { SecurityHubClients } from './importer.js';
import { memberImportRoleName } from './findings.js';

export interface AccountSecurityHubClientsOptions {
  /** The account the integration runs in: its findings are imported without assuming a role. */
  readonly centralAccountId: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** @default a new STSClient in the function's Region */
  readonly sts?: STSClient;
  /** Session length of an assumed role. @default 900 (the minimum: one notify step) */
  readonly sessionSeconds?: number;
  readonly clock?: Clock;
}

/** Renew assumed credentials this long before they expire. */
const RENEW_BEFORE_MS = 120_000;

/** {@link SecurityHubClients} for the central account and the member accounts' import roles. */
export class AccountSecurityHubClients implements SecurityHubClients {
  readonly #options: AccountSecurityHubClientsOptions;
  readonly #clock: Clock;
  readonly #clients = new Map<string, { client: SecurityHubClient; expiresAt: number }>();
  #sts: STSClient | undefined;

  constructor(options: AccountSecurityHubClientsOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#sts = options.sts;
  }

  async forAccount(accountId: string, region: string, options: { signal?: AbortSignal } = {}): Promise<SecurityHubClient> {
    const key = `${accountId}\u0000${region}`;
    const cached = this.#clients.get(key);
    if (cached && cached.expiresAt - RENEW_BEFORE_MS > this.#clock.now()) return cached.client;
    const { SecurityHubClient } = await import('@aws-sdk/client-securityhub');
    if (accountId === this.#options.centralAccountId) {
      const client = new SecurityHubClient({ region });
      this.#clients.set(key, { client, expiresAt: Number.POSITIVE_INFINITY });
      return client;
    }
    const credentials = await this.#assume(accountId, region, options.signal);
    const client = new SecurityHubClient({ region, credentials });
    this.#clients.set(key, { client, expiresAt: credentials.expiration.getTime() });
    return client;
  }

  /** ARN of the import role of `accountId` for `region`. */
  roleArn(accountId: string, region: string): string {
    return `arn:${this.#options.partition ?? 'aws'}:iam::${accountId}:role/${memberImportRoleName(region)}`;
  }

  async #assume(accountId: string, region: string, signal: AbortSignal | undefined) {
    const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
    this.#sts ??= new STSClient({});
    let response;
    try {
      response = await this.#sts.send(
        new AssumeRoleCommand({
          RoleArn: this.roleArn(accountId, region),
          RoleSessionName: 'zsa-security-hub-import',
          DurationSeconds: this.#options.sessionSeconds ?? 900,
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      throw classifyAwsError(error, `STS AssumeRole ${this.roleArn(accountId, region)}`);
    }
    const given = response.Credentials;
    if (!given?.AccessKeyId || !given.SecretAccessKey || !given.SessionToken) {
      throw new Error(`STS AssumeRole ${this.roleArn(accountId, region)} returned no credentials`);
    }
    return {
      accessKeyId: given.AccessKeyId,
      secretAccessKey: given.SecretAccessKey,
      sessionToken: given.SessionToken,
      expiration: given.Expiration ?? new Date(this.#clock.now() + (this.#options.sessionSeconds ?? 900) * 1000),
    };
  }
}
