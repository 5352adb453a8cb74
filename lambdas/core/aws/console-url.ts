/** Console host of each partition that has its own; every other partition uses the global console. */
const CONSOLE_HOSTS: Readonly<Record<string, string>> = { 'aws-cn': 'console.amazonaws.cn', 'aws-us-gov': 'console.amazonaws-us-gov.com' };

/**
 * The console page of a Step Functions execution, in its partition's console; undefined for a text
 * that is not an ARN with a Region (no link beats a broken one).
 */
export function executionConsoleUrl(executionArn: string): string | undefined {
  const [prefix, partition = '', , region] = executionArn.split(':');
  if (prefix !== 'arn' || !partition.startsWith('aws') || !region) return undefined;
  const host = CONSOLE_HOSTS[partition] ?? 'console.aws.amazon.com';
  return `https://${region}.${host}/states/home?region=${region}#/v2/executions/details/${encodeURIComponent(executionArn)}`;
}
