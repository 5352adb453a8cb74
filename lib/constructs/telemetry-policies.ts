import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';

const SINGLETON_ID = 'TelemetryPolicies';

/**
 * The only IAM policies in the stack with `Resource: "*"`, shared by every function and state machine.
 *
 * X-Ray (`xray:PutTraceSegments` ...) and CloudWatch Logs vended-log delivery (`logs:CreateLogDelivery`
 * ...) offer no resource-level permissions, so AWS requires `*` for them. Keeping them in two dedicated
 * managed policies (instead of letting the CDK append them to each role's default policy) means the
 * cdk-nag acknowledgement of `Resource::*` covers exactly these statements and can never hide a
 * wildcard that someone adds to a role later.
 */
export class TelemetryPolicies extends Construct {
  /** Returns the stack's single instance, creating it on first use. */
  static of(scope: IConstruct): TelemetryPolicies {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SINGLETON_ID);
    return existing instanceof TelemetryPolicies ? existing : new TelemetryPolicies(stack, SINGLETON_ID);
  }

  private lambdaPolicy?: iam.ManagedPolicy;
  private stateMachinePolicy?: iam.ManagedPolicy;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** X-Ray segment upload for Lambda functions with active tracing. */
  get lambdaTracing(): iam.ManagedPolicy {
    this.lambdaPolicy ??= this.createPolicy('LambdaTracing', 'X-Ray trace upload for Lambda functions with active tracing.', [
      new iam.PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }),
    ]);
    return this.lambdaPolicy;
  }

  /** X-Ray tracing plus CloudWatch Logs delivery for Step Functions state machines (logging ALL). */
  get stateMachineTelemetry(): iam.ManagedPolicy {
    this.stateMachinePolicy ??= this.createPolicy(
      'StateMachineTelemetry',
      'X-Ray tracing and CloudWatch Logs vended-log delivery for Step Functions state machines.',
      [
        new iam.PolicyStatement({
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          actions: [
            'logs:CreateLogDelivery',
            'logs:GetLogDelivery',
            'logs:UpdateLogDelivery',
            'logs:DeleteLogDelivery',
            'logs:ListLogDeliveries',
            'logs:PutResourcePolicy',
            'logs:DescribeResourcePolicies',
            'logs:DescribeLogGroups',
          ],
          resources: ['*'],
        }),
      ],
    );
    return this.stateMachinePolicy;
  }

  private createPolicy(id: string, description: string, statements: iam.PolicyStatement[]): iam.ManagedPolicy {
    const policy = new iam.ManagedPolicy(this, id, { description, statements });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${description} These X-Ray and CloudWatch Logs delivery actions support no resource-level permissions; AWS documents "*" as their only resource.`,
    });
    return policy;
  }
}
