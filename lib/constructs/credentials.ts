import { RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * Every placeholder value starts with this, so the runtime and `zsa doctor` can say "the ZDX secret
 * has not been filled in" instead of failing on a bad credential.
 */
export const SECRET_PLACEHOLDER_PREFIX = 'REPLACE_WITH_';

/** The four credentials the app reads, and the JSON fields each secret holds. */
export const CREDENTIAL_FIELDS = {
  /** ZDX API key (ZDX Admin Portal > Administration > Authentication > API Key Management). */
  zdx: ['keyId', 'keySecret'],
  /** ZCSPM API application and APIM subscription key (the license id is in the config, not a secret). */
  zcspm: ['applicationId', 'applicationSecret', 'subscriptionKey'],
  /** Slack incoming webhook; optionally a bot token and channel for message updates. */
  slack: ['webhookUrl', 'botToken?', 'channel?'],
  /** Bearer token the ZDX webhook must present (generated at deploy time, a real value). */
  webhook: ['bearerToken'],
} as const;

/** Name of one credential. */
export type CredentialName = keyof typeof CREDENTIAL_FIELDS;

/** Props of {@link Credentials}. */
export interface CredentialsProps {
  /** Customer managed key that encrypts all four secrets. */
  readonly encryptionKey: kms.IKey;
}

const ROTATION_REASON: Record<CredentialName, string> = {
  zdx: 'ZDX API keys are issued and revoked only in the ZDX Admin Portal; no API lets a rotation Lambda create a new key. Rotate by hand and put the new value.',
  zcspm:
    'ZCSPM API application secrets and APIM subscription keys are regenerated only in the ZCSPM portal; no API lets a rotation Lambda do it. Rotate by hand and put the new value.',
  slack: 'Slack incoming webhook URLs and bot tokens are issued in the Slack app settings; no API rotates them. Rotate by hand and put the new value.',
  webhook:
    'The bearer token must be changed in the ZDX webhook configuration at the same moment, which only the ZDX Admin Portal can do; an automatic rotation would break alert delivery. Rotate by hand in both places.',
};

/**
 * The app's credentials as Secrets Manager JSON secrets, encrypted with the app key and RETAINed.
 *
 * Each vendor secret is created holding `REPLACE_WITH_...` placeholders that name the fields to fill;
 * its description says how. The webhook secret gets a real random bearer token, to be copied into the
 * ZDX webhook configuration. Physical names are left to CloudFormation; the stack outputs the ARNs.
 *
 * Never change the placeholder or generator definitions below: CloudFormation would write them over
 * the real values on the next deploy.
 */
export class Credentials extends Construct {
  /** ZDX API key: `{ keyId, keySecret }`. */
  readonly zdx: secretsmanager.Secret;
  /** ZCSPM API application: `{ applicationId, applicationSecret, subscriptionKey }`. */
  readonly zcspm: secretsmanager.Secret;
  /** Slack: `{ webhookUrl, botToken?, channel? }`. */
  readonly slack: secretsmanager.Secret;
  /** ZDX webhook bearer token: `{ bearerToken }`. */
  readonly webhook: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: CredentialsProps) {
    super(scope, id);
    const key = props.encryptionKey;
    this.zdx = this.placeholderSecret('Zdx', key, 'zdx', {
      keyId: `${SECRET_PLACEHOLDER_PREFIX}ZDX_API_KEY_ID`,
      keySecret: `${SECRET_PLACEHOLDER_PREFIX}ZDX_API_KEY_SECRET`,
    }, 'ZDX API key for zscaler-aws-automations. From ZDX Admin Portal > Administration > Authentication > API Key Management');
    this.zcspm = this.placeholderSecret('Zcspm', key, 'zcspm', {
      applicationId: `${SECRET_PLACEHOLDER_PREFIX}ZCSPM_API_APPLICATION_ID`,
      applicationSecret: `${SECRET_PLACEHOLDER_PREFIX}ZCSPM_API_APPLICATION_SECRET`,
      subscriptionKey: `${SECRET_PLACEHOLDER_PREFIX}ZCSPM_SUBSCRIPTION_KEY`,
    }, 'ZCSPM API application for zscaler-aws-automations. Application id and secret from ZCSPM portal > Configuration > API Access; subscription key = the Primary key of your APIM developer portal profile');
    this.slack = this.placeholderSecret('Slack', key, 'slack', {
      webhookUrl: `${SECRET_PLACEHOLDER_PREFIX}SLACK_INCOMING_WEBHOOK_URL`,
    }, 'Slack delivery for zscaler-aws-automations. webhookUrl from your Slack app > Incoming Webhooks; optional botToken (xoxb-...) and channel id for updating messages in place');
    this.webhook = new secretsmanager.Secret(this, 'Webhook', {
      description:
        'Bearer token the ZDX alert webhook must send (Authorization: Bearer <bearerToken>). Generated at deploy time: copy it into ZDX Admin Portal > Administration > Integrations > Webhooks. Change it in both places together.',
      encryptionKey: key,
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'bearerToken',
        passwordLength: 48,
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.webhook).acknowledge({ id: 'AwsSolutions-SMG4', reason: ROTATION_REASON.webhook });
  }

  /** The four secrets by name. */
  get all(): Readonly<Record<CredentialName, secretsmanager.Secret>> {
    return { zdx: this.zdx, zcspm: this.zcspm, slack: this.slack, webhook: this.webhook };
  }

  private placeholderSecret(
    id: string,
    key: kms.IKey,
    name: CredentialName,
    placeholders: Record<string, string>,
    what: string,
  ): secretsmanager.Secret {
    const example = JSON.stringify(Object.fromEntries(Object.keys(placeholders).map((field) => [field, '...'])));
    const secret = new secretsmanager.Secret(this, id, {
      description: `${what}. Fill in after the first deploy: aws secretsmanager put-secret-value --secret-id <this secret's ARN> --secret-string '${example}'`,
      encryptionKey: key,
      // Placeholders, not secrets: the template only ever carries these REPLACE_WITH_ markers.
      secretObjectValue: Object.fromEntries(Object.entries(placeholders).map(([field, value]) => [field, SecretValue.unsafePlainText(value)])),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: ROTATION_REASON[name] });
    return secret;
  }
}
