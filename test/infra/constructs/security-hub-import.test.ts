
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ForwarderStack, SECURITY_HUB_IMPORTER_ROLE_ARN_PARAMETER } from '../../../lib/stacks/forwarder-stack.js';
import { IntegrationStack } from '../../../lib/stacks/integration-stack.js';
import { nagFindings, newApp, testConfig } from '../support.js';

const CENTRAL = '999988887777';
const MEMBER = '111122223333';
const MAPPINGS = {
  [MEMBER]: 'a865751f-a4cd-4f3c-92a9-5f51dfc58bfd',
  [CENTRAL]: 'b865751f-a4cd-4f3c-92a9-5f51dfc58bfd',
};

function central(securityHub: { enabled?: boolean; regions?: string[] }, environmentAgnostic = false): { stack: IntegrationStack; template: Template } {
  const stack = new IntegrationStack(newApp(), 'Zsa', {
    config: testConfig({ accountMappings: MAPPINGS, securityHub }),
    ...(environmentAgnostic ? {} : { env: { account: CENTRAL, region: 'eu-west-1' } }),
  });
  return { stack, template: Template.fromStack(stack) };
}

/** Every statement of every policy in the template, with the roles it is attached to. */
function statements(template: Template): Array<{ roles: unknown; Action: unknown; Resource: unknown }> {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) => {
    const properties = (policy as { Properties: { Roles: unknown; PolicyDocument: { Statement: Array<{ Action: unknown; Resource: unknown }> } } }).Properties;
    return properties.PolicyDocument.Statement.map((statement) => ({ roles: properties.Roles, ...statement }));
  });
}

const enabled = central({ enabled: true, regions: ['eu-west-1', 'us-east-1'] });
const disabled = central({});

describe('Security Hub import permissions', () => {
  describe('central stack', () => {
    it('grants BatchImportFindings only to the scan notify function, on the central account\'s own product in each findings Region', () => {
      const { stack, template } = enabled;
      const notifyRole = stack.getLogicalId(stack.postDeployScan.functions.notifyScan.role!.node.defaultChild as never);

      const grants = statements(template).filter((statement) => JSON.stringify(statement.Action).includes('securityhub:'));

      expect(grants).toEqual([
        {
          roles: [{ Ref: notifyRole }],
          Effect: 'Allow',
          Action: 'securityhub:BatchImportFindings',
          Resource: [
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:securityhub:eu-west-1:${CENTRAL}:product/${CENTRAL}/default`]] },
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:securityhub:us-east-1:${CENTRAL}:product/${CENTRAL}/default`]] },
          ],
        },
      ]);
    });

    it('lets the notify function assume only the member accounts\' per-Region import roles, not one in its own account', () => {
      const { stack, template } = enabled;
      const notifyRole = stack.getLogicalId(stack.postDeployScan.functions.notifyScan.role!.node.defaultChild as never);

      const assumes = statements(template).filter((statement) => JSON.stringify(statement.Action).includes('sts:AssumeRole'));

      expect(assumes).toEqual([
        {
          roles: [{ Ref: notifyRole }],
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: [
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${MEMBER}:role/zsa-securityhub-import-eu-west-1`]] },
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${MEMBER}:role/zsa-securityhub-import-us-east-1`]] },
          ],
        },
      ]);
    });

    it('gives the Security Hub settings to the notify function only', () => {
      const { stack, template } = enabled;
      const notifyFunction = stack.getLogicalId(stack.postDeployScan.functions.notifyScan.node.defaultChild as never);

      const withSecurityHub = Object.entries(template.findResources('AWS::Lambda::Function'))
        .filter(([, resource]) => JSON.stringify(resource).includes('SECURITY_HUB_SETTINGS'))
        .map(([logicalId]) => logicalId);

      expect(withSecurityHub).toEqual([notifyFunction]);
      const settings = JSON.stringify(template.toJSON().Resources[notifyFunction].Properties.Environment.Variables.SECURITY_HUB_SETTINGS);
      expect(settings).toContain('{\\"enabled\\":true,\\"regions\\":[\\"eu-west-1\\",\\"us-east-1\\"],\\"centralAccountId\\":\\"');
    });

    it('grants nothing and outputs no importer role when Security Hub is off', () => {
      const { template } = disabled;

      expect(JSON.stringify(statements(template))).not.toMatch(/securityhub:|sts:AssumeRole/);
      expect(Object.keys(template.findOutputs('SecurityHubImporterRoleArn'))).toEqual([]);
    });

    it('outputs the notify function\'s role for the forwarder\'s parameter', () => {
      const { stack, template } = enabled;
      const notifyRole = stack.getLogicalId(stack.postDeployScan.functions.notifyScan.role!.node.defaultChild as never);

      template.hasOutput('SecurityHubImporterRoleArn', { Value: { 'Fn::GetAtt': [notifyRole, 'Arn'] } });
    });

    it('stays cdk-nag clean with Security Hub on', () => {
      // Environment-agnostic, like the real app (bin/app.ts) and the other nag tests.
      expect(nagFindings(central({ enabled: true, regions: ['eu-west-1', 'us-east-1'] }, true).stack)).toEqual([]);
    });

    it('uses the stack\'s Region when no findings Region is configured', () => {
      const { template } = central({ enabled: true });

      expect(JSON.stringify(statements(template))).toContain(`:securityhub:eu-west-1:${CENTRAL}:product/${CENTRAL}/default`);
      expect(JSON.stringify(statements(template))).not.toContain('us-east-1');
    });
  });

  describe('forwarder stack', () => {
    const stack = new ForwarderStack(newApp(), 'Forwarder', { triggerStatuses: ['UPDATE_COMPLETE'] });
    const template = Template.fromStack(stack);
    const roleId = stack.getLogicalId(stack.securityHubImportRole.node.defaultChild as never);

    it('creates the import role only when the importer role ARN is given', () => {
      template.hasParameter(SECURITY_HUB_IMPORTER_ROLE_ARN_PARAMETER, { Type: 'String', Default: '' });
      template.hasCondition('HasSecurityHubImporter', { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: SECURITY_HUB_IMPORTER_ROLE_ARN_PARAMETER }, ''] }] });
      expect(template.toJSON().Resources[roleId].Condition).toBe('HasSecurityHubImporter');
    });

    it('trusts only the central notify function\'s role, by ARN', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        RoleName: { 'Fn::Join': ['', ['zsa-securityhub-import-', { Ref: 'AWS::Region' }]] },
        AssumeRolePolicyDocument: {
          Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: { Ref: SECURITY_HUB_IMPORTER_ROLE_ARN_PARAMETER } } }],
        },
      });
    });

    it('allows nothing but BatchImportFindings on this account\'s own product in this Region', () => {
      const role = template.toJSON().Resources[roleId].Properties;

      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(role.Policies).toEqual([
        {
          PolicyName: 'BatchImportFindings',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'securityhub:BatchImportFindings',
                Resource: {
                  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':securityhub:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':product/', { Ref: 'AWS::AccountId' }, '/default']],
                },
              },
            ],
          },
        },
      ]);
      expect(Object.keys(template.findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) } }))).toEqual([]);
    });

    it('stays cdk-nag clean', () => {
      expect(nagFindings(stack)).toEqual([]);
    });
  });
});

