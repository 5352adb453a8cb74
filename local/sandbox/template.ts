/**
 * Reading a synthesized CloudFormation template for local runs: state machine definitions and
 * function environments with their CloudFormation tokens (`Ref`, `Fn::GetAtt`, `Fn::Join`, ...)
 * replaced by local placeholder values, and the handler module behind each function.
 *
 * Placeholders are ARNs of a fake account and Region (`123456789012`, `us-east-1`) so every
 * handler's zod-validated environment accepts them; callers override what must be real locally
 * (the table name, the simulator's URL, DynamoDB Local's endpoint).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { HANDLER_ENTRY_METADATA, PROJECT_ROOT } from '../../lib/constructs/team-function.js';

/** Fake account and Region of local runs. */
export const LOCAL_ACCOUNT = '123456789012';
export const LOCAL_REGION = 'us-east-1';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
}

/** A synthesized stack, ready for local runs. */
export interface SynthesizedStack {
  readonly stackName: string;
  readonly template: CfnTemplate;
  /** Function logical id -> absolute path of its handler module. */
  readonly handlerEntries: Readonly<Record<string, string>>;
}

/**
 * Synthesizes `build(app)`'s stack without bundling (context `aws:cdk:bundling-stacks: []`) into a
 * temporary directory, and returns its template and handler entries.
 *
 * CDK's built-in CloudFormation template validation (a WASM rule engine, seconds per synthesis) is
 * off: a local run only reads the template, and the deployable app's validation is covered where
 * it is synthesized for real (bin/app.ts, `cdk synth`, test/infra).
 */
export function synthesizeStack(build: (app: App) => Stack): SynthesizedStack {
  const outdir = mkdtempSync(join(tmpdir(), 'zsa-synth-'));
  try {
    const app = new App({
      outdir,
      builtinCloudFormationValidation: false,
      context: { 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-path-metadata': true },
    });
    const stack = build(app);
    const assembly = app.synth();
    const template = assembly.getStackByName(stack.stackName).template as CfnTemplate;
    return { stackName: stack.stackName, template, handlerEntries: handlerEntriesOf(stack) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Function logical id -> handler module, from the {@link HANDLER_ENTRY_METADATA} of each function construct. */
export function handlerEntriesOf(stack: Stack): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const construct of stack.node.findAll()) {
    const entry = construct.node.metadata.find((meta) => meta.type === HANDLER_ENTRY_METADATA)?.data;
    if (typeof entry !== 'string') continue;
    const resource = (construct.node.defaultChild ?? construct) as IConstruct;
    entries[stack.getLogicalId(resource as never)] = resolvePath(PROJECT_ROOT, entry);
  }
  return entries;
}

/** Resolves references to a resource; return `undefined` to fall back to the placeholder. */
export type RefOverride = (logicalId: string, resource: CfnResource) => string | undefined;

/** Turns template values with tokens into plain local values. */
export class TokenResolver {
  constructor(
    private readonly template: CfnTemplate,
    private readonly stackName: string,
    private readonly overrides: RefOverride = () => undefined,
  ) {}

  /** Resolves every intrinsic in `value` (deeply). */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (typeof value !== 'object' || value === null) return value;
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const argument = record[key];
      if (key === 'Ref') return this.ref(String(argument));
      if (key === 'Fn::GetAtt') return this.getAtt(argument as [string, string]);
      if (key === 'Fn::Join') {
        const [separator, parts] = argument as [string, unknown[]];
        return (this.resolve(parts) as unknown[]).map(String).join(separator);
      }
      if (key === 'Fn::Select') {
        const [index, list] = argument as [number, unknown];
        return (this.resolve(list) as unknown[])[Number(index)];
      }
      if (key === 'Fn::Split') {
        const [separator, source] = argument as [string, unknown];
        return String(this.resolve(source)).split(separator);
      }
      if (key.startsWith('Fn::')) throw new Error(`local runs cannot resolve ${key}`);
    }
    return Object.fromEntries(Object.entries(record).map(([name, item]) => [name, this.resolve(item)]));
  }

  /** A resolved string (throws when the value does not resolve to one). */
  resolveString(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string') throw new Error(`expected a string, resolved ${JSON.stringify(resolved)}`);
    return resolved;
  }

  /** The placeholder ARN of a resource, e.g. a function's `arn:aws:lambda:...:function:<logicalId>`. */
  arnOf(logicalId: string): string {
    const resource = this.resource(logicalId);
    const base = `arn:aws:%s:${LOCAL_REGION}:${LOCAL_ACCOUNT}`;
    const arn = (service: string, rest: string) => `${base.replace('%s', service)}:${rest}`;
    switch (resource.Type) {
      case 'AWS::Lambda::Function':
        return arn('lambda', `function:${logicalId}`);
      case 'AWS::StepFunctions::StateMachine':
        return arn('states', `stateMachine:${logicalId}`);
      case 'AWS::SecretsManager::Secret':
        return arn('secretsmanager', `secret:${logicalId}-AbCdEf`);
      case 'AWS::SNS::Topic':
        return arn('sns', logicalId);
      case 'AWS::SQS::Queue':
        return arn('sqs', logicalId);
      case 'AWS::DynamoDB::Table':
        return arn('dynamodb', `table/${this.ref(logicalId)}`);
      case 'AWS::KMS::Key':
        return arn('kms', `key/${logicalId}`);
      case 'AWS::Events::EventBus':
        return arn('events', `event-bus/${logicalId}`);
      default:
        return arn('local', logicalId);
    }
  }

  private ref(name: string): string {
    switch (name) {
      case 'AWS::Region':
        return LOCAL_REGION;
      case 'AWS::AccountId':
        return LOCAL_ACCOUNT;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return this.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stack/${this.stackName}/00000000-0000-4000-8000-000000000000`;
      default:
        break;
    }
    const resource = this.resource(name);
    const overridden = this.overrides(name, resource);
    if (overridden !== undefined) return overridden;
    switch (resource.Type) {
      case 'AWS::SecretsManager::Secret':
      case 'AWS::SNS::Topic':
      case 'AWS::StepFunctions::StateMachine':
        return this.arnOf(name);
      case 'AWS::SQS::Queue':
        return `https://sqs.${LOCAL_REGION}.amazonaws.com/${LOCAL_ACCOUNT}/${name}`;
      default:
        return `local-${name}`;
    }
  }

  private getAtt([logicalId, attribute]: [string, string]): string {
    if (attribute === 'Arn') return this.arnOf(logicalId);
    if (attribute === 'TopicName' || attribute === 'QueueName' || attribute === 'Name') return logicalId;
    throw new Error(`local runs cannot resolve Fn::GetAtt ${logicalId}.${attribute}`);
  }

  private resource(logicalId: string): CfnResource {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new Error(`the template has no resource ${logicalId}`);
    return resource;
  }
}

/** Logical ids of the resources of `type`, optionally only those whose construct path contains `pathPart`. */
export function resourcesOfType(template: CfnTemplate, type: string, pathPart?: string): string[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .filter(([, resource]) => pathPart === undefined || String(resource.Metadata?.['aws:cdk:path'] ?? '').includes(pathPart))
    .map(([logicalId]) => logicalId);
}

/** The environment variables of a function, resolved. */
export function functionEnvironment(template: CfnTemplate, resolver: TokenResolver, logicalId: string): Record<string, string> {
  const properties = template.Resources[logicalId]?.Properties ?? {};
  const variables = ((properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, resolver.resolveString(value)]));
}

/** The state machine's definition (ASL) with its tokens resolved. */
export function stateMachineDefinition(template: CfnTemplate, resolver: TokenResolver, logicalId: string): Record<string, unknown> {
  const definition = template.Resources[logicalId]?.Properties?.DefinitionString;
  if (definition === undefined) throw new Error(`${logicalId} has no DefinitionString`);
  return JSON.parse(resolver.resolveString(definition)) as Record<string, unknown>;
}
