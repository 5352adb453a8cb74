import { executionConsoleUrl } from '../../../../lambdas/core/aws/console-url.js';

describe('executionConsoleUrl', () => {
  it('links the commercial console for the aws partition', () => {
    const arn = 'arn:aws:states:eu-west-1:111122223333:execution:PostDeployScan:scan-4f1c2d3e-w1';

    expect(executionConsoleUrl(arn)).toBe(
      'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn%3Aaws%3Astates%3Aeu-west-1%3A111122223333%3Aexecution%3APostDeployScan%3Ascan-4f1c2d3e-w1',
    );
  });

  it('links the console of the execution partition', () => {
    const china = 'arn:aws-cn:states:cn-north-1:111122223333:execution:PostDeployScan:x';

    const url = executionConsoleUrl(china);

    expect(url).toBe(`https://cn-north-1.console.amazonaws.cn/states/home?region=cn-north-1#/v2/executions/details/${encodeURIComponent(china)}`);
  });

  it('links the GovCloud console for the aws-us-gov partition', () => {
    const gov = 'arn:aws-us-gov:states:us-gov-west-1:111122223333:execution:AlertDiagnostics:alert-1';

    expect(executionConsoleUrl(gov)).toBe(
      `https://us-gov-west-1.console.amazonaws-us-gov.com/states/home?region=us-gov-west-1#/v2/executions/details/${encodeURIComponent(gov)}`,
    );
  });

  it('gives no link for a text that is not an ARN with a Region', () => {
    expect(executionConsoleUrl('exec-1')).toBeUndefined();
    expect(executionConsoleUrl('arn:aws:states::111122223333:execution:PostDeployScan:x')).toBeUndefined();
  });
});
