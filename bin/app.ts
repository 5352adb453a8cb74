/**
 * The CDK app: load and validate the configuration (cdk.json context `zsa`), create the central stack,
 * and run the cdk-nag AwsSolutions and Serverless packs as policy-validation plugins, so `cdk synth`
 * fails on any finding that is not acknowledged next to its resource.
 */
import { Annotations, App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ConfigError } from '../lambdas/core/errors.js';
import { configWarnings, loadConfig } from '../lib/settings/load.js';
import { IntegrationStack } from '../lib/stacks/integration-stack.js';

const app = new App();

try {
  const config = loadConfig(app);
  const stack = new IntegrationStack(app, 'ZscalerAwsAutomations', { config });
  // Valid but not deployable as it stands (the shipped sandbox config): synth goes on, and says so.
  for (const warning of configWarnings(config)) Annotations.of(stack).addWarningV2('zsa:config', warning);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // A configuration mistake is the operator's to fix: print what is wrong, not a stack trace.
  console.error(error.message);
  process.exit(1);
}

Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
app.synth();
