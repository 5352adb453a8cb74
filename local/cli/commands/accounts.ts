/**
 * `zsa accounts suggest [--json]`: lists the ZCSPM license's cloud accounts and proposes
 * AWS account -> ZCSPM account mappings by finding a 12-digit AWS account id in each account's name
 * (ZCSPM names accounts as the person who onboarded them typed it; "prod (111122223333)" is the
 * common convention and the simulator's). Prints a ready-to-paste `accountMappings` object merged
 * with the mappings the config already has; conflicts and unmatched accounts are listed, never guessed.
 */
import type { LicenseAccounts } from '../../../lambdas/zscaler/zcspm/schemas.js';
import type { AccountMapping } from '../../../lib/settings/schema.js';
import { flag, parseCommandArgs, stringOption, UsageError } from '../args.js';
import { CliHttp, zcspmClient } from '../clients.js';
import { CredentialResolver, credentialSources } from '../credentials.js';
import { ACCOUNTS_SPEC } from '../help.js';
import { ExitCode, Mark, Output, table, timing, type Command } from '../io.js';
import { loadDeploymentConfig, requireLicense, resolveEndpoints } from '../settings.js';

type LicenseAccount = LicenseAccounts['accounts'][number];

export type SuggestionStatus = 'suggested' | 'mapped' | 'conflict' | 'ambiguous' | 'unmatched' | 'not-aws';

/** What `suggest` says about one license account. */
export interface Suggestion {
  readonly zcspmAccountId: string;
  readonly accountName: string;
  readonly connectorType: string | undefined;
  readonly inApiScope: boolean;
  readonly status: SuggestionStatus;
  /** The AWS account the name names (when exactly one). */
  readonly awsAccountId?: string;
  /** Readable name for the mapping: the account name without the id. */
  readonly name?: string;
  readonly note: string;
}

const AWS_ID = /(?<!\d)\d{12}(?!\d)/g;

/** The account name without the AWS id and its brackets, e.g. `prod (111122223333)` -> `prod`. */
export function mappingName(accountName: string, awsAccountId: string): string | undefined {
  const name = accountName
    .replace(awsAccountId, '')
    .replace(/[([{]\s*[)\]}]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s\-_:,.]+|[\s\-_:,.]+$/g, '')
    .trim();
  return name === '' ? undefined : name.slice(0, 64);
}

/**
 * Proposes a mapping per license account. An account is `suggested` when its name carries exactly one
 * AWS account id that no other account name and no existing mapping claims; `mapped` when the config
 * already maps it that way; `conflict` when the config maps the id or the GUID differently.
 */
export function suggestMappings(accounts: readonly LicenseAccount[], existing: readonly AccountMapping[]): Suggestion[] {
  const idsOf = (account: LicenseAccount) => [...new Set(account.accountName.match(AWS_ID) ?? [])];
  const claims = new Map<string, number>();
  for (const account of accounts) {
    if (isAws(account)) for (const id of idsOf(account)) claims.set(id, (claims.get(id) ?? 0) + 1);
  }
  return accounts.map((account): Suggestion => {
    const base = {
      zcspmAccountId: account.accountId,
      accountName: account.accountName,
      connectorType: account.connectorType ?? undefined,
      inApiScope: account.isInApiScope === true,
    };
    const scopeNote = account.isInApiScope ? '' : "; not in the API application's scope yet (ZCSPM > Configuration > API Access)";
    if (!isAws(account)) return { ...base, status: 'not-aws', note: `${account.connectorType} account, not mapped` };
    const ids = idsOf(account);
    if (ids.length === 0) return { ...base, status: 'unmatched', note: 'no AWS account id in the name: map it by hand' };
    if (ids.length > 1) return { ...base, status: 'ambiguous', note: `the name holds ${ids.length} AWS account ids: map it by hand` };
    const awsAccountId = ids[0]!;
    const name = mappingName(account.accountName, awsAccountId);
    const withId = { ...base, awsAccountId, ...(name ? { name } : {}) };
    if ((claims.get(awsAccountId) ?? 0) > 1) return { ...withId, status: 'ambiguous', note: `${claims.get(awsAccountId)} account names hold ${awsAccountId}: map it by hand` };
    const byAws = existing.find((mapping) => mapping.awsAccountId === awsAccountId);
    const byGuid = existing.find((mapping) => mapping.zcspmAccountId.toLowerCase() === account.accountId.toLowerCase());
    if (byAws && byAws.zcspmAccountId.toLowerCase() === account.accountId.toLowerCase()) return { ...withId, status: 'mapped', note: `already mapped${scopeNote}` };
    if (byAws) return { ...withId, status: 'conflict', note: `the config maps ${awsAccountId} to ${byAws.zcspmAccountId}; kept as is` };
    if (byGuid) return { ...withId, status: 'conflict', note: `the config maps this account from ${byGuid.awsAccountId}; kept as is` };
    return { ...withId, status: 'suggested', note: `new mapping${scopeNote}` };
  });
}

function isAws(account: LicenseAccount): boolean {
  return account.connectorType === undefined || account.connectorType === null || account.connectorType.toLowerCase() === 'aws';
}

/** The existing mappings plus the suggested ones, in the config's object form, sorted by AWS id. */
export function mergedMappings(existing: readonly AccountMapping[], suggestions: readonly Suggestion[]): Record<string, { zcspmAccountId: string; name?: string }> {
  const entries = new Map<string, { zcspmAccountId: string; name?: string }>();
  for (const mapping of existing) entries.set(mapping.awsAccountId, { zcspmAccountId: mapping.zcspmAccountId, ...(mapping.name ? { name: mapping.name } : {}) });
  for (const suggestion of suggestions) {
    if (suggestion.status === 'suggested' && suggestion.awsAccountId) {
      entries.set(suggestion.awsAccountId, { zcspmAccountId: suggestion.zcspmAccountId, ...(suggestion.name ? { name: suggestion.name } : {}) });
    }
  }
  return Object.fromEntries([...entries].sort(([a], [b]) => a.localeCompare(b)));
}

const STATUS_TEXT: Readonly<Record<SuggestionStatus, string>> = {
  suggested: `${Mark.ok} suggested`,
  mapped: `${Mark.ok} mapped`,
  conflict: `${Mark.failed} conflict`,
  ambiguous: `${Mark.skipped} ambiguous`,
  unmatched: `${Mark.skipped} unmatched`,
  'not-aws': `${Mark.skipped} not AWS`,
};

/** Runs `accounts <subcommand>`; only `suggest` exists. */
export const runAccounts: Command = async (argv, io) => {
  const { values, positionals } = parseCommandArgs(argv, ACCOUNTS_SPEC, 1);
  const subcommand = positionals[0];
  if (subcommand === undefined) throw new UsageError('accounts needs a subcommand: suggest');
  if (subcommand !== 'suggest') throw new UsageError(`unknown subcommand "accounts ${subcommand}" (known: suggest)`);

  const loaded = loadDeploymentConfig(io, stringOption(values, 'config'));
  const endpoints = resolveEndpoints(io, loaded?.config);
  const licenseId = requireLicense(endpoints);
  const app = await new CredentialResolver(io, credentialSources(values)).zcspm();
  const http = new CliHttp(timing(io));
  let accounts: LicenseAccounts;
  try {
    accounts = await zcspmClient(http, endpoints.zcspmBaseUrl, licenseId, app).client.licenseAccounts({ signal: io.signal });
  } finally {
    await http.close();
  }

  const existing = loaded?.config.accountMappings ?? [];
  const suggestions = suggestMappings(accounts.accounts, existing);
  const accountMappings = mergedMappings(existing, suggestions);
  const out = new Output(io);
  if (flag(values, 'json')) {
    out.json({ licenseId, accountMappings, suggestions });
    return ExitCode.Ok;
  }
  const added = suggestions.filter((suggestion) => suggestion.status === 'suggested').length;
  out.line(`ZCSPM license ${licenseId}: ${accounts.accounts.length} cloud account${accounts.accounts.length === 1 ? '' : 's'}`, '');
  out.line(
    ...table(
      [
        ['ZCSPM ACCOUNT ID', 'NAME', 'TYPE', 'API SCOPE', 'AWS ACCOUNT', 'SUGGESTION'],
        ...suggestions.map((s) => [s.zcspmAccountId, s.accountName, s.connectorType ?? '?', s.inApiScope ? 'yes' : 'no', s.awsAccountId ?? '-', `${STATUS_TEXT[s.status]}: ${s.note}`]),
      ],
      '  ',
    ),
  );
  const from = loaded ? `merged with the ${existing.length} mapping${existing.length === 1 ? '' : 's'} of ${loaded.source}` : 'no config loaded';
  out.line('', `${added} new mapping${added === 1 ? '' : 's'} (${from}). Paste into cdk.json under "context" > "zsa":`, '');
  out.line(`"accountMappings": ${JSON.stringify(accountMappings, null, 2)}`);
  return ExitCode.Ok;
};
