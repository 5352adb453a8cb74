/**
 * Composition of the notification channels for a handler: settings from `NOTIFICATION_SETTINGS`,
 * the delivery ledger on the state table (so a retried step never posts twice), Slack credentials
 * from `SLACK_SECRET_ARN`, and the SNS / EventBridge / Security Hub (and STS) clients, each loaded
 * only when its channel is enabled. Built once per container, on first use.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { EnvVar, readEnv } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { createNotifiers, type NotifierDeps } from './create-notifiers.js';
import { DynamoDeliveryLedger } from './delivery-ledger.js';
import { createNotificationRouter, type NotificationRouter } from './router.js';
import { NOTIFICATION_SETTINGS_ENV, parseNotificationSettings, parseSecurityHubSettings, SECURITY_HUB_SETTINGS_ENV } from './settings.js';
import type { ScanFindingsSource } from './channels/security-hub/notifier.js';
import type { Log } from '../core/ports.js';
import { SlackSettings } from '../core/secrets/schemas.js';
import type { SecretsProvider } from '../core/secrets/secrets-provider.js';

export interface NotificationWiring {
  readonly dynamo: () => DynamoDBClient;
  readonly tableName: () => string;
  readonly secrets: () => SecretsProvider | Promise<SecretsProvider>;
  readonly log: Log;
  /** The complete findings of a scan (the scan history); needed only by the scan's notify step when Security Hub is on. */
  readonly scanFindings?: () => ScanFindingsSource;
}

/**
 * Returns a getter of the container's notification router. The first call reads the settings and
 * creates the enabled channels; later calls reuse them.
 */
export function notificationRouter(wiring: NotificationWiring): () => Promise<NotificationRouter> {
  let router: Promise<NotificationRouter> | undefined;
  return () => {
    router ??= build(wiring).catch((error: unknown) => {
      router = undefined;
      throw error;
    });
    return router;
  };
}

async function build(wiring: NotificationWiring): Promise<NotificationRouter> {
  const channels = parseNotificationSettings(process.env[NOTIFICATION_SETTINGS_ENV]);
  // Only a function with scan findings reads the Security Hub channel (NotifyScan; in the sandbox every handler shares one environment).
  const securityHub = wiring.scanFindings ? parseSecurityHubSettings(process.env[SECURITY_HUB_SETTINGS_ENV]) : undefined;
  const settings = securityHub ? { ...channels, securityHub } : channels;
  const ledger = new DynamoDeliveryLedger({ dynamo: wiring.dynamo(), tableName: wiring.tableName() });
  const deps: { -readonly [K in keyof NotifierDeps]: NotifierDeps[K] } = { ledger, log: wiring.log };
  if (settings.slack?.enabled) {
    const { SLACK_SECRET_ARN } = readEnv(z.object({ SLACK_SECRET_ARN: EnvVar.SLACK_SECRET_ARN }));
    const slack = async () => (await wiring.secrets()).get(SLACK_SECRET_ARN, SlackSettings);
    deps.slack = {
      webhookUrl: async () => {
        const { webhookUrl } = await slack();
        if (!webhookUrl) throw new ConfigError('the Slack secret has no webhookUrl (needed in webhook mode)');
        return webhookUrl;
      },
      botCredentials: async () => {
        const { botToken, channel } = await slack();
        if (!botToken || !channel) throw new ConfigError('the Slack secret has no botToken and channel (needed in bot mode)');
        return { token: botToken, channel };
      },
    };
  }
  if (settings.sns?.enabled) {
    const { SNSClient } = await import('@aws-sdk/client-sns');
    deps.sns = new SNSClient({});
  }
  if (settings.eventBridge?.enabled) {
    const { EventBridgeClient } = await import('@aws-sdk/client-eventbridge');
    deps.eventBridge = new EventBridgeClient({});
  }
  if (securityHub?.enabled && wiring.scanFindings) {
    const { AccountSecurityHubClients } = await import('./channels/security-hub/clients.js');
    const { centralAccountId, partition } = securityHub;
    deps.securityHub = { clients: new AccountSecurityHubClients({ centralAccountId, partition }), source: wiring.scanFindings() };
  }
  return createNotificationRouter(settings, { notifiers: createNotifiers(settings, deps), log: wiring.log });
}
