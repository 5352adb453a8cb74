import { Duration, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { KeyPrefix } from '../../../lambdas/core/store/table-schema.js';
import { StateTable } from '../../../lib/constructs/state-table.js';
import { TeamFunction, type TeamFunctionProps } from '../../../lib/constructs/team-function.js';
import { TelemetryPolicies } from '../../../lib/constructs/telemetry-policies.js';
import { FIXTURE_HANDLER, newStack, templateOf } from '../support.js';

function newFunction(stack: Stack, props: Partial<TeamFunctionProps> = {}): TeamFunction {
  return new TeamFunction(stack, 'Fn', { entry: FIXTURE_HANDLER, description: 'test function', invocation: 'sync', ...props });
}

function ref(stack: Stack, element: CfnElement | undefined): { Ref: string } {
  return { Ref: stack.getLogicalId(element as CfnElement) };
}

/** The statements of the function's default policy. */
function policyStatements(stack: Stack, fn: TeamFunction): unknown[] {
  const policies = templateOf(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [ref(stack, fn.executionRole.node.defaultChild as CfnElement)] } });
  return Object.values(policies).flatMap((policy) => (policy as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument.Statement);
}

describe('TeamFunction', () => {
  describe('constructor', () => {
    it('applies the team defaults: ARM64, Node.js 24, active tracing, 256 MB, 30 s, JSON logs in its own log group', () => {
      const stack = newStack();

      const fn = newFunction(stack);

      templateOf(stack).hasResourceProperties('AWS::Lambda::Function', {
        Architectures: ['arm64'],
        Runtime: 'nodejs24.x',
        TracingConfig: { Mode: 'Active' },
        MemorySize: 256,
        Timeout: 30,
        Handler: 'index.handler',
        LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', LogGroup: ref(stack, fn.logGroup.node.defaultChild as CfnElement) },
      });
    });

    it('gives the log group the configured retention and lets it go with the stack', () => {
      const stack = newStack();

      newFunction(stack, { defaults: { logRetention: logs.RetentionDays.ONE_WEEK } });

      templateOf(stack).hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 7 }, DeletionPolicy: 'Delete' });
    });

    it('sets the team env vars, then the app defaults, then the function own ones', () => {
      const stack = newStack();

      newFunction(stack, {
        defaults: { environment: { ZDX_BASE_URL: 'https://api.zdxcloud.net', SHARED: 'app' }, serviceName: 'zsa-test' },
        environment: { SHARED: 'function' },
      });

      templateOf(stack).hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: {
            POWERTOOLS_SERVICE_NAME: 'zsa-test',
            POWERTOOLS_METRICS_NAMESPACE: 'ZscalerAwsAutomations',
            ZDX_BASE_URL: 'https://api.zdxcloud.net',
            SHARED: 'function',
          },
        },
      });
    });

    it('uses a role without AWS managed policies whose X-Ray access comes from the shared telemetry policy', () => {
      const stack = newStack();

      const fn = newFunction(stack);

      templateOf(stack).hasResourceProperties('AWS::IAM::Role', {
        ManagedPolicyArns: [ref(stack, TelemetryPolicies.of(stack).lambdaTracing.node.defaultChild as CfnElement)],
      });
      expect(JSON.stringify(policyStatements(stack, fn))).not.toContain('xray:');
    });

    it('passes reserved concurrency through', () => {
      const stack = newStack();

      newFunction(stack, { reservedConcurrentExecutions: 3, memorySize: 512, timeout: Duration.seconds(10) });

      templateOf(stack).hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 3, MemorySize: 512, Timeout: 10 });
    });

    it('configures no asynchronous invocation handling for a sync function', () => {
      const stack = newStack();

      const fn = newFunction(stack);

      templateOf(stack).resourceCountIs('AWS::Lambda::EventInvokeConfig', 0);
      expect(fn.failureQueue).toBeUndefined();
    });

    it('sends failed events of an async function to an encrypted, TLS-only queue after 2 retries', () => {
      const stack = newStack();

      const fn = newFunction(stack, { invocation: 'async' });

      const template = templateOf(stack);
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 21600,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [stack.getLogicalId((fn.failureQueue as sqs.Queue).node.defaultChild as CfnElement), 'Arn'] } } },
      });
      template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
      });
    });

    it('uses a given failure queue', () => {
      const stack = newStack();
      const queue = new sqs.Queue(stack, 'Given');

      const fn = newFunction(stack, { invocation: 'async', failureQueue: queue, retryAttempts: 0 });

      expect(fn.failureQueue).toBe(queue);
      templateOf(stack).hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
    });

    it('rejects async-only props on a sync function', () => {
      const stack = newStack();

      expect(() => newFunction(stack, { retryAttempts: 1 })).toThrow("TeamFunction TestStack/Fn: retryAttempts apply only to invocation 'async'");
    });

  });

  describe('bindTable', () => {
    it('grants item actions on the table under a dynamodb:LeadingKeys condition and sets TABLE_NAME', () => {
      const stack = newStack();
      const table = new StateTable(stack, 'State', { encryptionKey: new kms.Key(stack, 'Key') }).table;
      const fn = newFunction(stack);

      fn.bindTable(table, { leadingKeys: [KeyPrefix.token, KeyPrefix.rateBudget] });

      const tableArn = { 'Fn::GetAtt': [stack.getLogicalId(table.node.defaultChild as CfnElement), 'Arn'] };
      expect(policyStatements(stack, fn)).toContainEqual({
        Effect: 'Allow',
        Action: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:ConditionCheckItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
        ],
        Resource: tableArn,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['token#*', 'rate#*'] } },
      });
      templateOf(stack).hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ TABLE_NAME: ref(stack, table.node.defaultChild as CfnElement) }) },
      });
    });

    it('grants only read actions and the key only through DynamoDB for read access, and never Scan', () => {
      const stack = newStack();
      const key = new kms.Key(stack, 'Key');
      const table = new StateTable(stack, 'State', { encryptionKey: key }).table;
      const fn = newFunction(stack);

      fn.bindTable(table, { leadingKeys: [KeyPrefix.scanHistory], access: 'read', envName: 'HISTORY_TABLE' });

      const statements = policyStatements(stack, fn);
      expect(statements).toContainEqual(
        expect.objectContaining({ Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'] }),
      );
      expect(statements).toContainEqual({
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:DescribeKey'],
        Resource: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as CfnElement), 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
      });
      expect(JSON.stringify(statements)).not.toMatch(/dynamodb:Scan|dynamodb:\*|kms:\*/);
    });

    it('grants the whole table when no leading keys are given', () => {
      const stack = newStack();
      const table = new dynamodb.Table(stack, 'Plain', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
      const fn = newFunction(stack);

      fn.bindTable(table);

      const statement = policyStatements(stack, fn).find((candidate) => JSON.stringify(candidate).includes('dynamodb:GetItem'));
      expect(statement).not.toHaveProperty('Condition');
    });

    it.each([[[]], [['token#*']], [['']]])('rejects leading keys %j', (leadingKeys) => {
      const stack = newStack();
      const table = new dynamodb.Table(stack, 'Plain', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
      const fn = newFunction(stack);

      expect(() => fn.bindTable(table, { leadingKeys })).toThrow(/^bindTable: /);
    });
  });

  describe('bindSecret', () => {
    it('grants reading this secret, decrypting only through Secrets Manager, and puts its ARN in the env var', () => {
      const stack = newStack();
      const key = new kms.Key(stack, 'Key');
      const secret = new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key });
      const fn = newFunction(stack);

      fn.bindSecret(secret, 'ZDX_SECRET_ARN');

      const secretRef = ref(stack, secret.node.defaultChild as CfnElement);
      const statements = policyStatements(stack, fn);
      expect(statements).toContainEqual({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: secretRef });
      expect(statements).toContainEqual({
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as CfnElement), 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
      });
      templateOf(stack).hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ ZDX_SECRET_ARN: secretRef }) } });
    });

    it('rejects an env var name that is not SCREAMING_SNAKE_CASE', () => {
      const stack = newStack();
      const fn = newFunction(stack);

      expect(() => fn.bindSecret(new secretsmanager.Secret(stack, 'Secret'), 'zdxSecret')).toThrow('env var name "zdxSecret" must be SCREAMING_SNAKE_CASE');
    });
  });

  describe('bindTopic', () => {
    it('grants publishing to the topic and using its key only through SNS', () => {
      const stack = newStack();
      const key = new kms.Key(stack, 'Key');
      const topic = new sns.Topic(stack, 'Topic', { masterKey: key });
      const fn = newFunction(stack);

      fn.bindTopic(topic);

      const statements = policyStatements(stack, fn);
      expect(statements).toContainEqual({ Effect: 'Allow', Action: 'sns:Publish', Resource: ref(stack, topic.node.defaultChild as CfnElement) });
      expect(statements).toContainEqual(
        expect.objectContaining({
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['sns.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
        }),
      );
      templateOf(stack).hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ NOTIFICATION_TOPIC_ARN: ref(stack, topic.node.defaultChild as CfnElement) }) },
      });
    });
  });
});
