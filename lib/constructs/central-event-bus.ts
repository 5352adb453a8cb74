import { type Duration, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ConfigError } from '../../lambdas/core/errors.js';
import type { ZsaConfig } from '../settings/schema.js';

/** Event source of the CloudFormation events the forwarders send; the only source the bus admits by default. */
const CLOUDFORMATION_EVENT_SOURCE = 'aws.cloudformation';

/**
 * Most accounts {@link CentralEventBus} lists one by one. EventBridge caps a bus policy at 10 KB and each
 * account principal takes about 40 bytes; beyond this, admit the accounts through the organization.
 */
export const MAX_LISTED_ACCOUNTS = 200;

const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT_ID = /^\d{12}$/;

/** Props of {@link CentralEventBus}. */
export interface CentralEventBusProps {
  /**
   * AWS Organization whose accounts may put events on the bus: one statement with principal `*` and the
   * condition `aws:PrincipalOrgID` (never `*` without it). @default none (only `accountIds` are admitted)
   */
  readonly organizationId?: string;
  /**
   * Accounts admitted one by one (inside or outside the organization), each as its own principal.
   * @default [] (at least one of `organizationId` and `accountIds` is required)
   */
  readonly accountIds?: readonly string[];
  /**
   * Event sources senders may put (condition `events:source` on every statement). Sources starting with
   * `aws.` cannot be sent with a direct PutEvents call, only forwarded by a rule, so the default admits
   * genuine CloudFormation events and nothing a sender could make up.
   * @default ['aws.cloudformation']
   */
  readonly sources?: readonly string[];
  /** Keep an archive of the admitted events for replay, for this long. @default no archive */
  readonly archiveRetention?: Duration;
  /** Description of the bus. @default 'Zscaler AWS automations: CloudFormation events forwarded from member accounts and Regions' */
  readonly description?: string;
}

/**
 * The integration's custom event bus in the central account: forwarders in member accounts and Regions
 * (lib/stacks/forwarder-stack.ts) put their CloudFormation events here. Its resource policy admits
 * `events:PutEvents` from the organization (by `aws:PrincipalOrgID`) and from listed accounts, for the
 * admitted sources only. The physical name is generated: read the ARN from the stack output.
 *
 * The pipeline listens on both buses: pass {@link CentralEventBus.buses} (the account's default bus first,
 * then this bus) as `eventBuses` of the scan workflow, which creates one rule per bus.
 */
export class CentralEventBus extends Construct {
  /**
   * The construct for a validated configuration (`zsa.organizationId`, `zsa.memberAccountIds`), or
   * `undefined` when neither is set: without senders the default bus alone is enough.
   */
  static fromConfig(
    scope: Construct,
    id: string,
    config: Pick<ZsaConfig, 'organizationId' | 'memberAccountIds'>,
    props: Omit<CentralEventBusProps, 'organizationId' | 'accountIds'> = {},
  ): CentralEventBus | undefined {
    if (!config.organizationId && config.memberAccountIds.length === 0) return undefined;
    return new CentralEventBus(scope, id, {
      ...props,
      ...(config.organizationId ? { organizationId: config.organizationId } : {}),
      accountIds: config.memberAccountIds,
    });
  }

  /** The custom bus. */
  readonly bus: events.EventBus;
  /** The central account's default bus, where its own CloudFormation events arrive. */
  readonly defaultBus: events.IEventBus;
  /** Every bus the pipeline rules listen on: the default bus first (its rule keeps its id), then {@link bus}. */
  readonly buses: readonly events.IEventBus[];
  /** The archive, when `archiveRetention` is set. */
  readonly archive: events.Archive | undefined;

  constructor(scope: Construct, id: string, props: CentralEventBusProps) {
    super(scope, id);
    const accountIds = props.accountIds ?? [];
    const sources = props.sources ?? [CLOUDFORMATION_EVENT_SOURCE];
    validate(props.organizationId, accountIds, sources);

    this.bus = new events.EventBus(this, 'Bus', {
      description: props.description ?? 'Zscaler AWS automations: CloudFormation events forwarded from member accounts and Regions',
    });
    this.defaultBus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    this.buses = [this.defaultBus, this.bus];

    // ForAllValues: a PutEvents call may carry several entries; every one must have an admitted source.
    const sourceCondition = { 'ForAllValues:StringEquals': { 'events:source': [...sources] } };
    if (props.organizationId) {
      this.bus.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowOrganization',
          principals: [new iam.OrganizationPrincipal(props.organizationId)],
          actions: ['events:PutEvents'],
          resources: [this.bus.eventBusArn],
          conditions: sourceCondition,
        }),
      );
    }
    if (accountIds.length > 0) {
      this.bus.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowListedAccounts',
          principals: accountIds.map((accountId) => new iam.AccountPrincipal(accountId)),
          actions: ['events:PutEvents'],
          resources: [this.bus.eventBusArn],
          conditions: sourceCondition,
        }),
      );
    }

    this.archive = props.archiveRetention
      ? this.bus.archive('Archive', {
          description: 'Events admitted to the central bus, for replay',
          eventPattern: { source: [...sources] },
          retention: props.archiveRetention,
        })
      : undefined;
  }
}

function validate(organizationId: string | undefined, accountIds: readonly string[], sources: readonly string[]): void {
  const problems: string[] = [];
  if (organizationId === undefined && accountIds.length === 0) {
    problems.push('organizationId or accountIds: give at least one, a bus nobody may write to forwards nothing');
  }
  if (organizationId !== undefined && !Token.isUnresolved(organizationId) && !ORGANIZATION_ID.test(organizationId)) {
    problems.push(`organizationId: expected an AWS Organizations id like o-a1b2c3d4e5, received "${organizationId}"`);
  }
  const seen = new Set<string>();
  accountIds.forEach((accountId, index) => {
    if (Token.isUnresolved(accountId)) return;
    if (!ACCOUNT_ID.test(accountId)) problems.push(`accountIds.${index}: expected a 12-digit AWS account id, received "${accountId}"`);
    else if (seen.has(accountId)) problems.push(`accountIds.${index}: account ${accountId} is listed twice`);
    seen.add(accountId);
  });
  if (accountIds.length > MAX_LISTED_ACCOUNTS) {
    problems.push(
      `accountIds: ${accountIds.length} accounts would exceed the 10 KB bus policy limit (at most ${MAX_LISTED_ACCOUNTS}); admit them through organizationId`,
    );
  }
  if (sources.length === 0) problems.push(`sources: expected at least one event source, e.g. ${CLOUDFORMATION_EVENT_SOURCE}`);
  if (problems.length > 0) {
    throw new ConfigError(`CentralEventBus: invalid props:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}
