import { LOCAL_ACCOUNT, LOCAL_REGION, TokenResolver, type CfnTemplate } from '../../../local/sandbox/template.js';

const template: CfnTemplate = {
  Resources: {
    Fn: { Type: 'AWS::Lambda::Function' },
    Table: { Type: 'AWS::DynamoDB::Table' },
    Secret: { Type: 'AWS::SecretsManager::Secret' },
    Machine: { Type: 'AWS::StepFunctions::StateMachine' },
  },
};

describe('TokenResolver', () => {
  describe('resolve', () => {
    it('replaces Ref, Fn::GetAtt and Fn::Join with local placeholders and overrides', () => {
      const resolver = new TokenResolver(template, 'Stack', (logicalId) => (logicalId === 'Table' ? 'local-table' : undefined));

      const resolved = resolver.resolve({
        table: { Ref: 'Table' },
        fn: { 'Fn::GetAtt': ['Fn', 'Arn'] },
        secret: { Ref: 'Secret' },
        joined: { 'Fn::Join': ['', ['{"own":"', { Ref: 'AWS::StackId' }, '","region":"', { Ref: 'AWS::Region' }, '"}']] },
        list: [{ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] }],
      });

      expect(resolved).toEqual({
        table: 'local-table',
        fn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:Fn`,
        secret: `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT}:secret:Secret-AbCdEf`,
        joined: `{"own":"arn:aws:cloudformation:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stack/Stack/00000000-0000-4000-8000-000000000000","region":"${LOCAL_REGION}"}`,
        list: ['b'],
      });
    });

    it('refuses intrinsics it cannot resolve and unknown resources', () => {
      const resolver = new TokenResolver(template, 'Stack');

      expect(() => resolver.resolve({ 'Fn::ImportValue': 'x' })).toThrow('cannot resolve Fn::ImportValue');
      expect(() => resolver.resolve({ Ref: 'Nope' })).toThrow('no resource Nope');
    });
  });
});
