/**
 * The member-account CDK app: the forwarder stack (lib/stacks/forwarder-stack.ts) that sends the CloudFormation
 * events of one account and Region to the central bus. Run it with
 * `npx cdk synth --app "npx tsx bin/forwarder.ts"` (template for a StackSet) or
 * `npx cdk deploy --app "npx tsx bin/forwarder.ts" --parameters CentralEventBusArn=<arn>` (one account and
 * Region; `-c centralEventBusArn=<arn>` bakes the ARN in as the parameter's default instead).
 * The forwarded statuses come from the same configuration as the central stack (`zsa.scan`), and the
 * cdk-nag AwsSolutions and Serverless packs run as in bin/app.ts.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ConfigError } from '../lambdas/core/errors.js';
import { loadConfig } from '../lib/settings/load.js';
import { CENTRAL_EVENT_BUS_ARN_CONTEXT_KEY, ForwarderStack } from '../lib/stacks/forwarder-stack.js';

const app = new App();

try {
  const config = loadConfig(app);
  const centralEventBusArn: unknown = app.node.tryGetContext(CENTRAL_EVENT_BUS_ARN_CONTEXT_KEY);
  if (centralEventBusArn !== undefined && typeof centralEventBusArn !== 'string') {
    throw new ConfigError(`${CENTRAL_EVENT_BUS_ARN_CONTEXT_KEY}: expected an event bus ARN string`);
  }
  new ForwarderStack(app, 'ZscalerAwsAutomationsForwarder', {
    triggerStatuses: config.scan.triggerStatuses,
    includeStackSetInstances: config.scan.includeStackSetInstances,
    ...(centralEventBusArn ? { centralEventBusArn } : {}),
  });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // A configuration mistake is the operator's to fix: print what is wrong, not a stack trace.
  console.error(error.message);
  process.exit(1);
}

Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
app.synth();
