/**
 * {@link StackResourcesReader} on the CloudFormation API.
 *
 * Uses `ListStackResources` (paginated) rather than `DescribeStackResources`, which returns the
 * same physical ids but only the first 100 resources of a stack. Nested stacks are followed (their
 * physical id is the nested stack's ARN), a few levels deep. A stack that cannot be read (deleted
 * since, another account without a role, access denied) yields no resources and a logged reason:
 * matching failed assets to a deployment is best effort and must never fail a report.
 */
import { CloudFormationClient, ListStackResourcesCommand, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { silentLog, type Log } from '../../core/ports.js';
import { toError } from '../../core/errors.js';
import type { CallOptions } from '../../core/http/http-client.js';
import type { StackRef, StackResource, StackResourcesReader } from '../ports.js';
import { parseStackArn } from '../domain/cfn-event.js';

export interface CloudFormationStackResourcesReaderOptions {
  /**
   * The client for a stack's account and Region, or `undefined` when this function cannot read that
   * account. Default: a client per Region for stacks of `homeAccountId` (or any account when unset).
   */
  readonly clientFor?: (stack: StackRef) => CloudFormationClient | undefined;
  /** The account this function runs in; stacks of other accounts need `clientFor`. */
  readonly homeAccountId?: string | undefined;
  /** Nested stacks are followed this many levels. @default 3 */
  readonly maxNestingDepth?: number;
  /** Pages read per stack at most (100 resources each). @default 20 */
  readonly maxPages?: number;
  readonly log?: Log;
}

const NESTED_STACK_TYPE = 'AWS::CloudFormation::Stack';

/** Reads stack resources through CloudFormation; one instance per container (clients are cached). */
export class CloudFormationStackResourcesReader implements StackResourcesReader {
  readonly #clients = new Map<string, CloudFormationClient>();
  readonly #clientFor: (stack: StackRef) => CloudFormationClient | undefined;
  readonly #maxDepth: number;
  readonly #maxPages: number;
  readonly #log: Log;

  constructor(options: CloudFormationStackResourcesReaderOptions = {}) {
    this.#maxDepth = options.maxNestingDepth ?? 3;
    this.#maxPages = options.maxPages ?? 20;
    this.#log = options.log ?? silentLog;
    this.#clientFor =
      options.clientFor ??
      ((stack) => {
        if (options.homeAccountId && stack.awsAccountId !== options.homeAccountId) return undefined;
        let client = this.#clients.get(stack.region);
        if (!client) {
          client = new CloudFormationClient({ region: stack.region });
          this.#clients.set(stack.region, client);
        }
        return client;
      });
  }

  async listResources(stack: StackRef, options: CallOptions = {}): Promise<readonly StackResource[]> {
    const client = this.#clientFor(stack);
    if (!client) {
      this.#log.info('stack resources not read: no access to that account', { stackName: stack.stackName, awsAccountId: stack.awsAccountId });
      return [];
    }
    return this.#read(client, stack, 0, options);
  }

  async #read(client: CloudFormationClient, stack: StackRef, depth: number, options: CallOptions): Promise<StackResource[]> {
    const summaries: StackResourceSummary[] = [];
    try {
      let nextToken: string | undefined;
      let pages = 0;
      do {
        const output = await client.send(
          new ListStackResourcesCommand({ StackName: stack.stackId, NextToken: nextToken }),
          options.signal ? { abortSignal: options.signal } : {},
        );
        summaries.push(...(output.StackResourceSummaries ?? []));
        nextToken = output.NextToken;
        pages++;
      } while (nextToken && pages < this.#maxPages);
    } catch (error) {
      this.#log.warn('stack resources not read', { stackName: stack.stackName, error: toError(error).name });
      return [];
    }
    const resources: StackResource[] = summaries
      .filter((summary) => summary.PhysicalResourceId && summary.LogicalResourceId)
      .map((summary) => ({
        logicalId: summary.LogicalResourceId as string,
        physicalId: summary.PhysicalResourceId as string,
        resourceType: summary.ResourceType ?? 'unknown',
      }));
    if (depth >= this.#maxDepth) return resources;
    const nested: StackResource[] = [];
    for (const resource of resources) {
      if (resource.resourceType !== NESTED_STACK_TYPE) continue;
      const arn = parseStackArn(resource.physicalId);
      if (!arn) continue;
      const child: StackRef = { stackId: resource.physicalId, stackName: stack.stackName, awsAccountId: arn.awsAccountId, region: arn.region };
      nested.push(...(await this.#read(client, child, depth + 1, options)));
    }
    return [...resources, ...nested];
  }
}
