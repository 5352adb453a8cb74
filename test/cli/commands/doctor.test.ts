import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { doctorSummary, webhookShapeProblem } from '../../../local/cli/commands/doctor.js';
import { SIMULATOR_CREDENTIALS, type RunningSimulator } from '../../../local/simulator/index.js';
import { startFakeSlack, type FakeSlack } from '../../integration/notify/fake-slack.js';
import { configWith, emptyDir, expectNoSecrets, oneApiEnv, removeTempDirs, runCli, simulatorEnv, startFastSimulator, writeJson } from '../helpers.js';

const STACK_OUTPUTS = {
  zdx: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:zsa/zdx-AbCdEf',
  zcspm: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:zsa/zcspm-AbCdEf',
  slack: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:zsa/slack-AbCdEf',
};

let sim: RunningSimulator;
let prod: string;
let azure: string;

beforeAll(async () => {
  sim = await startFastSimulator();
  const accounts = sim.zcspm.accounts();
  prod = accounts.find((account) => account.awsAccountId === '111122223333')!.accountId;
  azure = accounts.find((account) => account.connectorType === 'Azure')!.accountId;
});

afterAll(async () => {
  await sim.close();
  removeTempDirs();
});

/** The check line of `name` in a doctor report. */
function line(stdout: string, name: string): string {
  return stdout.split('\n').find((text) => text.slice(4).startsWith(`${name} `)) ?? `(no line for ${name})`;
}

describe('zsa doctor', () => {
  describe('against the simulator with credentials from the environment', () => {
    it('passes every check and lists the accounts with their mappings', async () => {
      const config = writeJson('zsa.json', configWith({ '111122223333': { zcspmAccountId: prod, name: 'payments-prod' } }));

      const run = await runCli(['doctor', '--config', config], { env: simulatorEnv(sim) });

      expect(run.code).toBe(0);
      expect(line(run.stdout, 'config')).toMatch(/✔ config +.*zsa\.json: license 00000000-0000-4000-8000-000000000001, 1 account mapping$/);
      expect(line(run.stdout, 'ZDX API key')).toContain(`✔ ZDX API key             accepted by ${sim.url}/v1/oauth/token (environment; token valid 60 min)`);
      expect(line(run.stdout, 'ZDX token')).toContain('✔ ZDX token               accepted by /v1/oauth/validate');
      expect(line(run.stdout, 'ZCSPM subscription key')).toContain('✔');
      expect(line(run.stdout, 'ZCSPM license token')).toContain('✔ ZCSPM license token     issued for license 00000000-0000-4000-8000-000000000001');
      expect(line(run.stdout, 'ZCSPM accounts')).toContain("3 on the license, 2 in the API application's scope");
      expect(run.stdout).toMatch(new RegExp(`${prod}  prod \\(111122223333\\) +AWS +yes +111122223333`));
      expect(line(run.stdout, 'account mappings')).toContain('✔ account mappings        all 1 mapped accounts are on the license and in the API scope');
      expect(line(run.stdout, 'Slack webhook')).toContain('– Slack webhook           not configured');
      expect(run.stdout).toContain('\n8 passed, 1 skipped (9 checks).');
      expectNoSecrets(run);
    });

    it('reads the config from cdk.json in the working directory', async () => {
      const cwd = emptyDir();
      writeFileSync(join(cwd, 'cdk.json'), JSON.stringify({ app: 'npx tsx bin/app.ts', context: { zsa: configWith({}) } }));

      const run = await runCli(['doctor'], { env: simulatorEnv(sim), cwd });

      expect(run.code).toBe(0);
      expect(line(run.stdout, 'config')).toContain('cdk.json: license 00000000-0000-4000-8000-000000000001, 0 account mappings');
      expect(line(run.stdout, 'account mappings')).toContain('– account mappings        none configured');
    });
  });

  describe('--json', () => {
    it('prints the checks as one JSON document', async () => {
      const run = await runCli(['doctor', '--json'], { env: simulatorEnv(sim, { ZDX_KEY_SECRET: 'wrong-zdx-key-secret' }) });

      const report = JSON.parse(run.stdout) as { ok: boolean; checks: Array<{ name: string; status: string }> };
      expect(run.code).toBe(1);
      expect(report.ok).toBe(false);
      expect(report.checks.map((check) => `${check.name}: ${check.status}`)).toEqual([
        'config: skipped',
        'ZDX API key: failed',
        'ZDX token: skipped',
        'ZCSPM subscription key: ok',
        'ZCSPM license token: ok',
        'ZCSPM accounts: ok',
        'ZCSPM API permissions: ok',
        'account mappings: skipped',
        'Slack webhook: skipped',
      ]);
      expectNoSecrets(run, ['wrong-zdx-key-secret']);
    });
  });

  describe('failed checks', () => {
    it('says the APIM gateway rejected a wrong subscription key, and exits 1', async () => {
      const run = await runCli(['doctor'], { env: simulatorEnv(sim, { ZCSPM_SUBSCRIPTION_KEY: 'wrong-subscription-key-value' }) });

      expect(run.code).toBe(1);
      expect(line(run.stdout, 'ZCSPM subscription key')).toContain(
        '✖ ZCSPM subscription key  rejected by the API gateway (HTTP 401: Access denied due to invalid subscription key.',
      );
      expect(line(run.stdout, 'ZCSPM license token')).toContain('– ZCSPM license token     not checked: the gateway rejected the subscription key');
      expect(line(run.stdout, 'ZDX API key')).toContain('✔');
      expect(run.stdout).toMatch(/\n1 failed, \d+ passed, \d+ skipped \((\d+) checks\)\.\n/);
      expect(Number(/\((\d+) checks\)/.exec(run.stdout)?.[1])).toBe(run.stdout.split('\n').filter((row) => /^  [✔✖–] /.test(row)).length);
      expectNoSecrets(run, ['wrong-subscription-key-value']);
    });

    it('checks the ZIdentity client and a OneAPI call when ZDX_AUTH is oneapi', async () => {
      const run = await runCli(['doctor'], { env: oneApiEnv(sim, { ZDX_AUTH: 'oneapi' }) });

      expect(run.code).toBe(0);
      expect(line(run.stdout, 'ZDX OneAPI client')).toContain(`✔ ZDX OneAPI client       accepted by ${sim.url}/oauth2/v1/token; token valid 60 min`);
      expect(line(run.stdout, 'ZDX token')).toContain(`✔ ZDX token               accepted by ${sim.url}/zdx/v1/apps`);
      expect(run.stdout).not.toContain('ZDX API key');
      expectNoSecrets(run);
    });

    it('follows zdx.auth "oneapi" of the deployment config', async () => {
      const config = writeJson('oneapi.json', configWith({}, { zdx: { auth: 'oneapi', tokenUrl: `${sim.url}/oauth2/v1/token`, oneApiBaseUrl: sim.url } }));

      const run = await runCli(['doctor', '--config', config], { env: oneApiEnv(sim, { ZDX_TOKEN_URL: undefined, ZDX_BASE_URL: undefined }) });

      expect(line(run.stdout, 'ZDX OneAPI client')).toContain(`✔ ZDX OneAPI client       accepted by ${sim.url}/oauth2/v1/token`);
      expect(line(run.stdout, 'ZDX token')).toContain(`✔ ZDX token               accepted by ${sim.url}/zdx/v1/apps`);
      expectNoSecrets(run);
    });

    it('says ZIdentity rejected a wrong client secret', async () => {
      const run = await runCli(['doctor', '--zdx-auth', 'oneapi'], { env: oneApiEnv(sim, { ZSCALER_CLIENT_SECRET: 'wrong-client-secret-value' }) });

      expect(run.code).toBe(1);
      expect(line(run.stdout, 'ZDX OneAPI client')).toMatch(/✖ ZDX OneAPI client +rejected by .*\/oauth2\/v1\/token: HTTP 400: Client authentication failed: check the client id and secret/);
      expect(line(run.stdout, 'ZDX token')).toContain('not checked: no token');
      expectNoSecrets(run, ['wrong-client-secret-value']);
    });

    it('says ZDX rejected a wrong key secret', async () => {
      const run = await runCli(['doctor'], { env: simulatorEnv(sim, { ZDX_KEY_SECRET: 'wrong-zdx-key-secret' }) });

      expect(run.code).toBe(1);
      expect(line(run.stdout, 'ZDX API key')).toContain(
        `✖ ZDX API key             rejected by ${sim.url}/v1/oauth/token: HTTP 401: Invalid API key credentials: check the key id and secret`,
      );
      expect(line(run.stdout, 'ZDX token')).toContain('– ZDX token               not checked: no token');
      expect(line(run.stdout, 'ZCSPM license token')).toContain('✔');
      expectNoSecrets(run, ['wrong-zdx-key-secret']);
    });

    it('says a wrong application secret fails the license token while the gateway accepts the key', async () => {
      const run = await runCli(['doctor'], { env: simulatorEnv(sim, { ZCSPM_APP_SECRET: 'wrong-application-secret' }) });

      expect(run.code).toBe(1);
      expect(line(run.stdout, 'ZCSPM subscription key')).toContain('✔');
      expect(line(run.stdout, 'ZCSPM license token')).toContain('✖ ZCSPM license token     HTTP 401: Invalid API application id or secret: check the API application id and secret');
      expectNoSecrets(run, ['wrong-application-secret']);
    });

    it('says when an API cannot be reached', async () => {
      const closed = await startFastSimulator();
      await closed.close();

      const run = await runCli(['doctor'], { env: simulatorEnv(sim, { ZCSPM_BASE_URL: closed.url }) });

      expect(run.code).toBe(1);
      expect(line(run.stdout, 'ZCSPM subscription key')).toContain('– ZCSPM subscription key  not checked: no answer from the API');
      expect(line(run.stdout, 'ZCSPM license token')).toMatch(/✖ ZCSPM license token +nothing answers at \S*127\.0\.0\.1:\d+ \(connection refused\): check the base URL/);
      expect(line(run.stdout, 'ZDX API key')).toContain('✔');
    });

    it('names the missing environment variables', async () => {
      const run = await runCli(['doctor'], { env: simulatorEnv(sim, { ZDX_KEY_ID: undefined, ZCSPM_APP_SECRET: '' }) });

      expect(run.code).toBe(1);
      expect(line(run.stdout, 'ZDX API key')).toContain('✖ ZDX API key             the ZDX API key is not configured: set ZDX_KEY_ID (or use --secrets-from-stack)');
      expect(line(run.stdout, 'ZCSPM credentials')).toContain('the ZCSPM API application is not configured: set ZCSPM_APP_SECRET');
    });

    it('lists mapped ids the license does not know and mappings outside the API scope', async () => {
      const unknown = '0badc0de-0000-4000-8000-00000000abcd';
      const config = writeJson('zsa.json', configWith({ '111122223333': prod, '999988887777': unknown, '555566667777': azure }));

      const run = await runCli(['doctor', '--config', config], { env: simulatorEnv(sim) });

      expect(run.code).toBe(1);
      expect(line(run.stdout, 'account mappings')).toContain(
        `✖ account mappings        1 mapped id the license does not know: 999988887777 -> ${unknown}; 1 outside the API application's scope: 555566667777 -> corp-azure-subscription`,
      );
      expect(run.stdout).toMatch(new RegExp(`999988887777 +${unknown} +✖ unknown`));
      expect(run.stdout).toMatch(new RegExp(`111122223333 +${prod} +✔ prod \\(111122223333\\)`));
    });

    it('reports an invalid config key by name', async () => {
      const config = writeJson('zsa.json', configWith({ '1234': prod }));

      const run = await runCli(['doctor', '--config', config], { env: simulatorEnv(sim) });

      expect(run.code).toBe(1);
      expect(line(run.stdout, 'config')).toContain('✖ config');
      expect(run.stdout).toContain('zsa.accountMappings.1234: expected a 12-digit AWS account id');
    });
  });

  describe('Slack webhook', () => {
    let slack: FakeSlack;

    beforeAll(async () => {
      slack = await startFakeSlack();
    });

    afterAll(async () => {
      await slack.close();
    });

    it('checks the URL shape without posting', async () => {
      const url = 'https://hooks.slack.com/services/T0001/B0001/abcdefSECRETpath';

      const run = await runCli(['doctor'], { env: simulatorEnv(sim, { SLACK_WEBHOOK_URL: url }) });

      expect(line(run.stdout, 'Slack webhook')).toContain('✔ Slack webhook           URL has the incoming-webhook shape (environment); not posted');
      expectNoSecrets(run, [url, 'abcdefSECRETpath']);
    });

    it('fails a URL that is not an incoming webhook', async () => {
      const url = 'https://example.com/hooks/not-slack-secret';

      const run = await runCli(['doctor'], { env: simulatorEnv(sim, { SLACK_WEBHOOK_URL: url }) });

      expect(run.code).toBe(1);
      expect(line(run.stdout, 'Slack webhook')).toContain('✖ Slack webhook           not an incoming-webhook URL (those look like hooks.slack.com/services/T…/B…/… over https)');
      expectNoSecrets(run, [url]);
    });

    it('posts a test message with --post-test-message', async () => {
      const url = `${slack.url}/services/T0001/B0001/localSecretPath`;

      const run = await runCli(['doctor', '--post-test-message'], { env: simulatorEnv(sim, { SLACK_WEBHOOK_URL: url }) });

      expect(run.code).toBe(0);
      expect(line(run.stdout, 'Slack webhook')).toContain('✔ Slack webhook           test message posted (HTTP 200; environment)');
      expect(slack.webhookPosts).toEqual([expect.objectContaining({ text: expect.stringContaining('zsa doctor: test message') })]);
      expectNoSecrets(run, [url, 'localSecretPath']);
    });
  });

  describe('--secrets-from-stack', () => {
    const cloudFormation = mockClient(CloudFormationClient);
    const secretsManager = mockClient(SecretsManagerClient);

    afterAll(() => {
      cloudFormation.restore();
      secretsManager.restore();
    });

    beforeEach(() => {
      cloudFormation.reset();
      secretsManager.reset();
      cloudFormation.on(DescribeStacksCommand, { StackName: 'ZscalerAwsAutomations' }).resolves({
        Stacks: [
          {
            StackName: 'ZscalerAwsAutomations',
            CreationTime: new Date(),
            StackStatus: 'UPDATE_COMPLETE',
            Outputs: [
              { OutputKey: 'ZdxSecretArn', OutputValue: STACK_OUTPUTS.zdx },
              { OutputKey: 'ZcspmSecretArn', OutputValue: STACK_OUTPUTS.zcspm },
              { OutputKey: 'SlackSecretArn', OutputValue: STACK_OUTPUTS.slack },
            ],
          },
        ],
      });
    });

    it('reads every credential from the deployed secrets', async () => {
      const c = SIMULATOR_CREDENTIALS;
      secretsManager.on(GetSecretValueCommand, { SecretId: STACK_OUTPUTS.zdx }).resolves({ SecretString: JSON.stringify(c.zdx) });
      secretsManager.on(GetSecretValueCommand, { SecretId: STACK_OUTPUTS.zcspm }).resolves({
        SecretString: JSON.stringify({ applicationId: c.zcspm.applicationId, applicationSecret: c.zcspm.applicationSecret, subscriptionKey: c.zcspm.subscriptionKey }),
      });
      secretsManager.on(GetSecretValueCommand, { SecretId: STACK_OUTPUTS.slack }).resolves({
        SecretString: JSON.stringify({ webhookUrl: 'https://hooks.slack.com/services/T9/B9/fromTheSecretStore' }),
      });
      const env = { ZDX_BASE_URL: sim.url, ZCSPM_BASE_URL: sim.url, ZCSPM_LICENSE_ID: c.zcspm.licenseId };

      const run = await runCli(['doctor', '--secrets-from-stack'], {
        env,
        aws: { cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }), secretsManager: new SecretsManagerClient({ region: 'eu-west-1' }) },
      });

      expect(run.code).toBe(0);
      expect(run.stdout).toContain('checking credentials from Secrets Manager');
      expect(line(run.stdout, 'ZDX API key')).toContain('(secret zsa/zdx; token valid 60 min)');
      expect(line(run.stdout, 'ZCSPM subscription key')).toContain('(secret zsa/zcspm)');
      expect(line(run.stdout, 'Slack webhook')).toContain('URL has the incoming-webhook shape (secret zsa/slack)');
      expectNoSecrets(run, ['fromTheSecretStore']);
    });

    it('says which secret still holds the deploy-time placeholder', async () => {
      secretsManager.on(GetSecretValueCommand).resolves({
        SecretString: JSON.stringify({ keyId: 'REPLACE_WITH_ZDX_API_KEY_ID', keySecret: 'REPLACE_WITH_ZDX_API_KEY_SECRET', webhookUrl: 'REPLACE_WITH_SLACK_INCOMING_WEBHOOK_URL' }),
      });

      const run = await runCli(['doctor', '--secrets-from-stack'], {
        env: { ZDX_BASE_URL: sim.url, ZCSPM_BASE_URL: sim.url },
        aws: { cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }), secretsManager: new SecretsManagerClient({ region: 'eu-west-1' }) },
      });

      expect(run.code).toBe(1);
      expect(line(run.stdout, 'ZDX API key')).toContain('✖ ZDX API key             secret zsa/zdx has not been filled in (keyId, keySecret still hold the deploy-time placeholder)');
      expect(line(run.stdout, 'Slack webhook')).toContain('still the deploy-time placeholder: put the incoming-webhook URL in the slack secret (secret zsa/slack)');
    });
  });
});

describe('webhookShapeProblem', () => {
  it.each([
    ['https://hooks.slack.com/services/T0123ABC/B0456DEF/abcDEF123', undefined],
    ['http://127.0.0.1:9999/services/x', undefined],
    ['http://hooks.slack.com/services/T1/B1/x', 'not an incoming-webhook URL (those look like hooks.slack.com/services/T…/B…/… over https)'],
    ['hooks.slack.com', 'not a URL'],
  ])('judges %s', (url, expected) => {
    expect(webhookShapeProblem(url)).toBe(expected);
  });
});

describe('doctorSummary', () => {
  it('counts every row it printed, skipped ones included', () => {
    const checks = [
      { name: 'a', status: 'ok', detail: '' },
      { name: 'b', status: 'skipped', detail: '' },
      { name: 'c', status: 'failed', detail: '' },
    ] as const;

    expect(doctorSummary(checks.slice(0, 2))).toBe('1 passed, 1 skipped (2 checks).');
    expect(doctorSummary(checks)).toBe('1 failed, 1 passed, 1 skipped (3 checks).');
    expect(doctorSummary(checks.slice(0, 1))).toBe('1 passed (1 check).');
  });
});
