/**
 * Builds the notifiers the settings enable from their dependencies (clients, credential
 * getters, the delivery ledger). Kept apart from the router so code that only routes does not
 * load the AWS SDK clients.
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SNSClient } from '@aws-sdk/client-sns';
import { ConfigError } from '../core/errors.js';
import type { Log } from '../core/ports.js';
import type { DeliveryLedger } from './delivery-ledger.js';
import { EventBridgeNotifier } from './channels/eventbridge-notifier.js';
import { LogNotifier } from './channels/log-notifier.js';
import type { ChannelNotifiers } from './router.js';
import type { NotificationSettings } from './settings.js';
import { SlackBotNotifier, type SlackBotCredentials } from './channels/slack-bot-notifier.js';
import type { SlackHttpOptions } from './channels/slack-http.js';
import { SlackWebhookNotifier } from './channels/slack-webhook-notifier.js';
import { SecurityHubImporter, type SecurityHubClients } from './channels/security-hub/importer.js';
import { SecurityHubNotifier, type ScanFindingsSource } from './channels/security-hub/notifier.js';
import { SnsNotifier } from './channels/sns-notifier.js';

export interface NotifierDeps {
  readonly ledger: DeliveryLedger;
  readonly log: Log;
  readonly slack?: {
    /** Webhook mode: returns the webhook URL (e.g. from Secrets Manager). */
    readonly webhookUrl?: () => Promise<string>;
    /** Bot mode: returns the bot token and channel. */
    readonly botCredentials?: () => Promise<SlackBotCredentials>;
    /** Bot mode: Web API base URL (tests, the sandbox). */
    readonly apiBaseUrl?: string;
    readonly http?: SlackHttpOptions;
  };
  readonly sns?: SNSClient;
  readonly eventBridge?: EventBridgeClient;
  readonly securityHub?: {
    readonly clients: SecurityHubClients;
    /** The complete failed and fixed lists of a scan (the scan history). */
    readonly source: ScanFindingsSource;
  };
}

/** One notifier per enabled channel. Throws {@link ConfigError} naming what an enabled channel lacks. */
export function createNotifiers(settings: NotificationSettings, deps: NotifierDeps): ChannelNotifiers {
  const notifiers: ChannelNotifiers = {};
  const { ledger, log } = deps;
  const render = settings.environment ? { environment: settings.environment } : {};

  if (settings.slack?.enabled) {
    const slack = deps.slack ?? {};
    if (settings.slack.mode === 'bot') {
      if (!slack.botCredentials) throw new ConfigError('slack.mode is "bot" but no bot token and channel source was configured');
      notifiers.slack = new SlackBotNotifier({
        credentials: slack.botCredentials,
        ledger,
        log,
        render,
        ...(slack.apiBaseUrl ? { apiBaseUrl: slack.apiBaseUrl } : {}),
        ...(slack.http ? { http: slack.http } : {}),
      });
    } else {
      if (!slack.webhookUrl) throw new ConfigError('slack is enabled (webhook mode) but no webhook URL source was configured');
      notifiers.slack = new SlackWebhookNotifier({ webhookUrl: slack.webhookUrl, ledger, log, render, ...(slack.http ? { http: slack.http } : {}) });
    }
  }
  if (settings.sns?.enabled) {
    if (!deps.sns) throw new ConfigError('sns is enabled but no SNS client was provided');
    notifiers.sns = new SnsNotifier({ client: deps.sns, topicArn: settings.sns.topicArn, ledger, log, render });
  }
  if (settings.eventBridge?.enabled) {
    if (!deps.eventBridge) throw new ConfigError('eventBridge is enabled but no EventBridge client was provided');
    notifiers.eventBridge = new EventBridgeNotifier({ client: deps.eventBridge, eventBusName: settings.eventBridge.eventBusName, ledger, log });
  }
  if (settings.securityHub?.enabled) {
    if (!deps.securityHub) throw new ConfigError('securityHub is enabled but no Security Hub clients and scan findings source were provided');
    const { regions, partition } = settings.securityHub;
    notifiers.securityHub = new SecurityHubNotifier({
      importer: new SecurityHubImporter({ clients: deps.securityHub.clients, log }),
      source: deps.securityHub.source,
      regions,
      partition,
      ledger,
      log,
    });
  }
  if (settings.log.enabled) notifiers.log = new LogNotifier({ log });
  return notifiers;
}
