import { mappingName, mergedMappings, suggestMappings } from '../../../local/cli/commands/accounts.js';
import { parseConfig } from '../../../lib/settings/load.js';
import type { RunningSimulator } from '../../../local/simulator/index.js';
import { configWith, expectNoSecrets, removeTempDirs, runCli, simulatorEnv, startFastSimulator, writeJson } from '../helpers.js';

let sim: RunningSimulator;
let prod: string;
let staging: string;

beforeAll(async () => {
  sim = await startFastSimulator();
  const accounts = sim.zcspm.accounts();
  prod = accounts.find((account) => account.awsAccountId === '111122223333')!.accountId;
  staging = accounts.find((account) => account.awsAccountId === '444455556666')!.accountId;
});

afterAll(async () => {
  await sim.close();
  removeTempDirs();
});

describe('zsa accounts suggest', () => {
  it('lists the license accounts and prints mappings that the config schema accepts', async () => {
    const run = await runCli(['accounts', 'suggest'], { env: simulatorEnv(sim) });

    const pasted = /"accountMappings": (\{[\s\S]*\})\s*$/.exec(run.stdout)?.[1] ?? '{}';
    const config = parseConfig(configWith(JSON.parse(pasted)));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ZCSPM license 00000000-0000-4000-8000-000000000001: 3 cloud accounts');
    expect(run.stdout).toMatch(new RegExp(`^ {2}${prod} +prod \\(111122223333\\) +AWS +yes +111122223333 +✔ suggested: new mapping$`, 'm'));
    expect(run.stdout).toMatch(/corp-azure-subscription +Azure +no +- +– not AWS: Azure account, not mapped$/m);
    expect(run.stdout).toContain('2 new mappings (no config loaded). Paste into cdk.json under "context" > "zsa":');
    expect(config.accountMappings).toEqual([
      { awsAccountId: '111122223333', zcspmAccountId: prod, name: 'prod' },
      { awsAccountId: '444455556666', zcspmAccountId: staging, name: 'staging' },
    ]);
    expectNoSecrets(run);
  });

  it('keeps the mappings of the config and flags the ones that disagree with the names', async () => {
    const other = '0badc0de-0000-4000-8000-00000000abcd';
    const config = writeJson('zsa.json', configWith({ '111122223333': prod, '444455556666': other, '777788889999': other.replace('abcd', 'abce') }));

    const run = await runCli(['accounts', 'suggest', '--config', config, '--json'], { env: simulatorEnv(sim) });

    const result = JSON.parse(run.stdout) as { accountMappings: Record<string, unknown>; suggestions: Array<{ zcspmAccountId: string; status: string; note: string }> };
    expect(run.code).toBe(0);
    expect(result.accountMappings).toEqual({
      '111122223333': { zcspmAccountId: prod },
      '444455556666': { zcspmAccountId: other },
      '777788889999': { zcspmAccountId: other.replace('abcd', 'abce') },
    });
    expect(result.suggestions.find((s) => s.zcspmAccountId === prod)).toMatchObject({ status: 'mapped', note: 'already mapped' });
    expect(result.suggestions.find((s) => s.zcspmAccountId === staging)).toMatchObject({
      status: 'conflict',
      note: `the config maps 444455556666 to ${other}; kept as is`,
    });
  });

  it('exits 2 without the subcommand', async () => {
    const run = await runCli(['accounts'], { env: simulatorEnv(sim) });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('zsa accounts: accounts needs a subcommand: suggest');
  });
});

describe('suggestMappings', () => {
  const account = (accountId: string, accountName: string, connectorType: string | null = 'AWS') => ({ accountId, accountName, connectorType, isInApiScope: true });

  it('leaves names without exactly one unclaimed AWS id to a person', () => {
    const accounts = [
      account('a', 'shared 123456789012'),
      account('b', 'shared-dr (123456789012)'),
      account('c', 'two 111111111111 and 222222222222'),
      account('d', 'no number here'),
      account('e', 'id 1234567890123 is thirteen digits'),
    ];

    const statuses = suggestMappings(accounts, []).map((suggestion) => suggestion.status);

    expect(statuses).toEqual(['ambiguous', 'ambiguous', 'ambiguous', 'unmatched', 'unmatched']);
  });

  it('merges suggestions over the existing mappings sorted by AWS id', () => {
    const suggestions = suggestMappings([account('00000000-0000-4000-8000-00000000000b', 'billing [222233334444]')], []);

    const merged = mergedMappings([{ awsAccountId: '999900001111', zcspmAccountId: '00000000-0000-4000-8000-00000000000a' }], suggestions);

    expect(merged).toEqual({
      '222233334444': { zcspmAccountId: '00000000-0000-4000-8000-00000000000b', name: 'billing' },
      '999900001111': { zcspmAccountId: '00000000-0000-4000-8000-00000000000a' },
    });
  });
});

describe('mappingName', () => {
  it.each([
    ['prod (111122223333)', 'prod'],
    ['111122223333 - payments', 'payments'],
    ['111122223333', undefined],
  ])('names %s as %s', (name, expected) => {
    expect(mappingName(name, '111122223333')).toBe(expected);
  });
});
