import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationStackResourcesReader } from '../../../../lambdas/scan/adapters/stack-resources.js';
import { RecordingLog } from '../../../helpers/scan/fakes.js';

const cfn = mockClient(CloudFormationClient);
const stack = { stackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/app/1', stackName: 'app', awsAccountId: '111122223333', region: 'eu-west-1' };
const nestedId = 'arn:aws:cloudformation:eu-west-1:111122223333:stack/app-Nested-1/2';

beforeEach(() => {
  cfn.reset();
});

afterAll(() => {
  cfn.restore();
});

describe('CloudFormationStackResourcesReader', () => {
  describe('listResources', () => {
    it('reads every page and follows nested stacks under the parent stack name', async () => {
      cfn
        .on(ListStackResourcesCommand, { StackName: stack.stackId, NextToken: undefined })
        .resolves({
          StackResourceSummaries: [
            { LogicalResourceId: 'Logs', PhysicalResourceId: 'app-logs', ResourceType: 'AWS::S3::Bucket', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() },
          ],
          NextToken: 'page-2',
        })
        .on(ListStackResourcesCommand, { StackName: stack.stackId, NextToken: 'page-2' })
        .resolves({
          StackResourceSummaries: [
            { LogicalResourceId: 'Nested', PhysicalResourceId: nestedId, ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() },
            { LogicalResourceId: 'Pending', ResourceType: 'AWS::SNS::Topic', ResourceStatus: 'CREATE_IN_PROGRESS', LastUpdatedTimestamp: new Date() },
          ],
        })
        .on(ListStackResourcesCommand, { StackName: nestedId })
        .resolves({
          StackResourceSummaries: [
            { LogicalResourceId: 'Sg', PhysicalResourceId: 'sg-0123', ResourceType: 'AWS::EC2::SecurityGroup', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() },
          ],
        });
      const reader = new CloudFormationStackResourcesReader({ homeAccountId: '111122223333' });

      const resources = await reader.listResources(stack);

      expect(resources.map((resource) => resource.physicalId)).toEqual(['app-logs', nestedId, 'sg-0123']);
      expect(cfn.commandCalls(ListStackResourcesCommand)).toHaveLength(3);
    });

    it('returns nothing, and says why, for a stack that cannot be read', async () => {
      cfn.on(ListStackResourcesCommand).rejects(Object.assign(new Error('Stack with id app does not exist'), { name: 'ValidationError' }));
      const log = new RecordingLog();
      const reader = new CloudFormationStackResourcesReader({ log });

      const resources = await reader.listResources(stack);

      expect(resources).toEqual([]);
      expect(log.lines).toEqual([{ level: 'warn', message: 'stack resources not read', extra: { stackName: 'app', error: 'ValidationError' } }]);
    });

    it('does not call CloudFormation for another account without a client for it', async () => {
      const reader = new CloudFormationStackResourcesReader({ homeAccountId: '999988887777', log: new RecordingLog() });

      const resources = await reader.listResources(stack);

      expect(resources).toEqual([]);
      expect(cfn.calls()).toHaveLength(0);
    });
  });
});
