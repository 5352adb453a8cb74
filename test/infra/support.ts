/** Shared arrangements for the infra tests (not a test file). */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { parseConfig } from '../../lib/settings/load.js';
import type { ZsaConfig, ZsaConfigInput } from '../../lib/settings/schema.js';
import { IntegrationStack } from '../../lib/stacks/integration-stack.js';

/** The tiny handler every test function points at. */
export const FIXTURE_HANDLER = 'test/infra/fixtures/handler.ts';
/** The simulator's license id, valid as a GUID. */
export const LICENSE_ID = '00000000-0000-4000-8000-000000000001';

/**
 * An App that skips esbuild bundling and the CDK's built-in CloudFormation validation (a WASM engine,
 * ~1 s per synth, that only ever warns here). test/infra/app.test.ts synthesizes the real app with the
 * validation on and checks its report is empty.
 */
export function newApp(): App {
  return new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
}

/** A bare stack in a non-bundling app. */
export function newStack(): Stack {
  return new Stack(newApp(), 'TestStack');
}

/** A valid configuration with `overrides` layered over the minimum. */
export function testConfig(overrides: Partial<ZsaConfigInput> = {}): ZsaConfig {
  return parseConfig({ zcspmLicenseId: LICENSE_ID, ...overrides });
}

/** The central stack in a non-bundling app. */
export function newIntegrationStack(overrides: Partial<ZsaConfigInput> = {}): IntegrationStack {
  return new IntegrationStack(newApp(), 'Zsa', { config: testConfig(overrides) });
}

/** `Template.fromStack` under a shorter name. */
export function templateOf(stack: Stack): Template {
  return Template.fromStack(stack);
}

/** One finding of a nag pack: the rule id and the construct path of the resource. */
export interface Finding {
  readonly rule: string;
  readonly path: string;
}

/** Runs both packs over `scope` and lists the findings that are not acknowledged. */
export function nagFindings(scope: IConstruct): Finding[] {
  return [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) =>
    pack.validateScope(scope).violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => ({ rule: violation.ruleName, path: resource.constructPath ?? '' })),
    ),
  );
}
