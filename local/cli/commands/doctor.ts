/**
 * `zsa doctor`: checks everything a deployment depends on, against the real services (or the
 * simulator), one line per check with ok/failed and the reason:
 * the deployment config, the ZDX API key and token, the ZCSPM subscription key and license token,
 * the license's accounts and API permissions, the account mappings (and mapped ids the license does
 * not know), and the Slack webhook. Exit 1 when any check failed. No secret is ever printed.
 */
import { ApiError, ConnectionError, CredentialsRejectedError } from '../../../lambdas/core/errors.js';
import { postToSlack } from '../../../lambdas/notify/channels/slack-http.js';
import type { LicenseAccounts } from '../../../lambdas/zscaler/zcspm/schemas.js';
import type { ZsaConfig } from '../../../lib/settings/schema.js';
import { flag, parseCommandArgs, stringOption } from '../args.js';
import { CliHttp, zcspmClient, zdxClient, zdxClientFor, type MemoryTokenSource } from '../clients.js';
import { CredentialResolver, credentialSources, isPlaceholder, type SlackWebhook } from '../credentials.js';
import { DOCTOR_SPEC } from '../help.js';
import { reason } from '../explain.js';
import { ExitCode, Mark, Output, table, timing, type CliIo, type Command } from '../io.js';
import { loadDeploymentConfig, resolveEndpoints, type Endpoints, type LoadedConfig } from '../settings.js';

export type CheckStatus = 'ok' | 'failed' | 'skipped';

/** One line of the doctor's report. */
export interface Check {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** Indented detail lines (tables). */
  readonly lines?: readonly string[];
}

/** Permissions the scan pipeline calls need (the names both public sources agree on, zcspm-api.md §3.1). */
export const REQUIRED_ZCSPM_APIS = ['Account.Audit', 'Account.Rescan', 'Account.GetJobstatus'] as const;

const SLACK_WEBHOOK = /^https:\/\/hooks\.slack(?:-gov)?\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+$/;
const NAME_WIDTH = 24;

/** Collects checks and prints each as it completes (unless the output is JSON). */
class CheckList {
  readonly checks: Check[] = [];

  constructor(
    private readonly out: Output,
    private readonly json: boolean,
  ) {}

  add(check: Check): void {
    this.checks.push(check);
    if (this.json) return;
    this.out.line(`  ${Mark[check.status]} ${check.name.padEnd(NAME_WIDTH)}${check.detail}`);
    if (check.lines) this.out.line(...check.lines.map((line) => `      ${line}`));
  }

  ok(name: string, detail: string, lines?: readonly string[]): void {
    this.add({ name, status: 'ok', detail, ...(lines ? { lines } : {}) });
  }

  failed(name: string, detail: string, lines?: readonly string[]): void {
    this.add({ name, status: 'failed', detail, ...(lines ? { lines } : {}) });
  }

  skipped(name: string, detail: string): void {
    this.add({ name, status: 'skipped', detail });
  }
}

/** Runs every check; see the module comment. */
export const runDoctor: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, DOCTOR_SPEC);
  const sources = credentialSources(values);
  const json = flag(values, 'json');
  const out = new Output(io);
  const list = new CheckList(out, json);
  const resolver = new CredentialResolver(io, sources);
  if (!json) out.line(`zsa doctor: checking credentials from ${resolver.usesSecrets ? 'Secrets Manager' : 'the environment'}`);

  const loaded = checkConfig(io, stringOption(values, 'config'), list);
  let endpoints: Endpoints | undefined;
  try {
    endpoints = resolveEndpoints(io, loaded?.config, sources.zdxAuth);
  } catch (error) {
    list.failed('endpoints', reason(error));
  }

  const http = new CliHttp(timing(io));
  try {
    if (endpoints) {
      if (endpoints.zdxAuth === 'oneapi') await checkZdxOneApi(io, endpoints, resolver, http, list);
      else await checkZdx(io, endpoints, resolver, http, list);
      await checkZcspm(io, endpoints, resolver, http, list, loaded);
    }
    await checkSlack(io, resolver, list, loaded?.config, flag(values, 'post-test-message'));
  } finally {
    await http.close();
  }

  const failed = list.checks.filter((check) => check.status === 'failed').length;
  if (json) {
    out.json({ ok: failed === 0, checks: list.checks });
  } else {
    out.line('', doctorSummary(list.checks));
  }
  return failed === 0 ? ExitCode.Ok : ExitCode.Failed;
};

/** The closing line, counting every row above it: `7 passed, 2 skipped (9 checks).` */
export function doctorSummary(checks: readonly Check[]): string {
  const count = (status: CheckStatus) => checks.filter((check) => check.status === status).length;
  const parts = [
    ...(count('failed') > 0 ? [`${count('failed')} failed`] : []),
    `${count('ok')} passed`,
    ...(count('skipped') > 0 ? [`${count('skipped')} skipped`] : []),
  ];
  return `${parts.join(', ')} (${checks.length} check${checks.length === 1 ? '' : 's'}).`;
}

function checkConfig(io: CliIo, configPath: string | undefined, list: CheckList): LoadedConfig | undefined {
  try {
    const loaded = loadDeploymentConfig(io, configPath);
    if (!loaded) {
      list.skipped('config', 'no cdk.json here and no --config FILE: account mappings are not checked');
      return undefined;
    }
    const count = loaded.config.accountMappings.length;
    list.ok('config', `${loaded.source}: license ${loaded.config.zcspmLicenseId}, ${count} account mapping${count === 1 ? '' : 's'}`);
    return loaded;
  } catch (error) {
    const [first = 'invalid', ...rest] = reason(error).split('\n');
    list.failed('config', first, rest.map((line) => line.trim()));
    return undefined;
  }
}

/** `; token valid N min` for a token just fetched (empty when its expiry is unknown). */
function tokenValidity(io: CliIo, tokens: MemoryTokenSource): string {
  return tokens.expiresAt === undefined ? '' : `; token valid ${Math.round((tokens.expiresAt - timing(io).clock.now()) / 60_000)} min`;
}

async function checkZdx(io: CliIo, endpoints: Endpoints, resolver: CredentialResolver, http: CliHttp, list: CheckList): Promise<void> {
  let key;
  try {
    key = await resolver.zdx();
  } catch (error) {
    list.failed('ZDX API key', reason(error));
    list.skipped('ZDX token', 'not checked: no API key');
    return;
  }
  const { client, tokens } = zdxClient(http, endpoints.zdxBaseUrl, key);
  try {
    await tokens.getToken(io.signal);
    list.ok('ZDX API key', `accepted by ${endpoints.zdxBaseUrl}/v1/oauth/token (${key.source}${tokenValidity(io, tokens)})`);
  } catch (caught) {
    const error = answerOf(caught);
    const hint = error instanceof ApiError && error.status === 401 ? ': check the key id and secret (ZDX Admin Portal > API Key Management)' : '';
    const where = error instanceof ConnectionError ? '' : `rejected by ${endpoints.zdxBaseUrl}/v1/oauth/token: `;
    list.failed('ZDX API key', `${where}${reason(error, endpoints.zdxBaseUrl)}${hint}`);
    list.skipped('ZDX token', 'not checked: no token');
    return;
  }
  try {
    const result = await client.validateToken({ signal: io.signal });
    if (result.valid) list.ok('ZDX token', 'accepted by /v1/oauth/validate');
    else list.failed('ZDX token', '/v1/oauth/validate says the token is not valid');
  } catch (error) {
    list.failed('ZDX token', `/v1/oauth/validate: ${reason(error)}`);
  }
}

/** OneAPI: the ZIdentity client gets a token, and OneAPI accepts it for one ZDX read (GET /zdx/v1/apps). */
async function checkZdxOneApi(io: CliIo, endpoints: Endpoints, resolver: CredentialResolver, http: CliHttp, list: CheckList): Promise<void> {
  let zdx;
  try {
    zdx = zdxClientFor(http, endpoints, await resolver.zdxFor('oneapi'));
  } catch (error) {
    list.failed('ZDX OneAPI client', reason(error));
    list.skipped('ZDX token', 'not checked: no OneAPI client');
    return;
  }
  try {
    await zdx.tokens.getToken(io.signal);
    list.ok('ZDX OneAPI client', `accepted by ${zdx.tokenUrl}${tokenValidity(io, zdx.tokens)}`);
  } catch (error) {
    const hint = error instanceof ApiError && (error.status === 400 || error.status === 401) ? ': check the client id and secret or key (ZIdentity Admin Portal > Integration > API Clients)' : '';
    list.failed('ZDX OneAPI client', `rejected by ${zdx.tokenUrl}: ${reason(error)}${hint}`);
    list.skipped('ZDX token', 'not checked: no token');
    return;
  }
  try {
    for await (const _app of zdx.client.apps.list({}, { signal: io.signal })) break;
    list.ok('ZDX token', `accepted by ${endpoints.zdxBaseUrl}/zdx/v1/apps`);
  } catch (error) {
    const hint = error instanceof ApiError && error.status === 403 ? ': give the API client the ZDX scope in ZIdentity' : '';
    list.failed('ZDX token', `${endpoints.zdxBaseUrl}/zdx/v1/apps: ${reason(error)}${hint}`);
  }
}

async function checkZcspm(
  io: CliIo,
  endpoints: Endpoints,
  resolver: CredentialResolver,
  http: CliHttp,
  list: CheckList,
  loaded: LoadedConfig | undefined,
): Promise<void> {
  const skipRest = (why: string) => {
    list.skipped('ZCSPM accounts', `not checked: ${why}`);
    list.skipped('account mappings', `not checked: ${why}`);
  };
  let app;
  try {
    app = await resolver.zcspm();
  } catch (error) {
    list.failed('ZCSPM credentials', reason(error));
    skipRest('no credentials');
    return;
  }
  const licenseId = endpoints.zcspmLicenseId;
  if (licenseId === undefined) {
    list.failed('ZCSPM license', 'no license id: set ZCSPM_LICENSE_ID or zcspmLicenseId in cdk.json (context "zsa")');
    skipRest('no license id');
    return;
  }
  const { client } = zcspmClient(http, endpoints.zcspmBaseUrl, licenseId, app);
  let accounts: LicenseAccounts;
  try {
    accounts = await client.licenseAccounts({ signal: io.signal });
    list.ok('ZCSPM subscription key', `accepted by the API gateway at ${endpoints.zcspmBaseUrl} (${app.source})`);
    list.ok('ZCSPM license token', `issued for license ${licenseId}`);
  } catch (error) {
    const accountsReported = reportZcspmAuthFailure(error, licenseId, endpoints.zcspmBaseUrl, list);
    if (!accountsReported) list.skipped('ZCSPM accounts', 'not checked: no license token');
    list.skipped('account mappings', 'not checked: the license accounts could not be read');
    return;
  }

  const inScope = accounts.accounts.filter((account) => account.isInApiScope).length;
  const mappings = loaded?.config.accountMappings ?? [];
  const mappedFrom = new Map<string, string[]>();
  for (const mapping of mappings) {
    const key = mapping.zcspmAccountId.toLowerCase();
    mappedFrom.set(key, [...(mappedFrom.get(key) ?? []), mapping.awsAccountId]);
  }
  const rows = [
    ['ZCSPM ACCOUNT ID', 'NAME', 'TYPE', 'API SCOPE', 'MAPPED FROM'],
    ...accounts.accounts.map((account) => [
      account.accountId,
      account.accountName,
      account.connectorType ?? '?',
      account.isInApiScope ? 'yes' : 'no',
      (mappedFrom.get(account.accountId.toLowerCase()) ?? []).join(', ') || '-',
    ]),
  ];
  list.ok('ZCSPM accounts', `${accounts.accounts.length} on the license, ${inScope} in the API application's scope`, table(rows));

  if (accounts.apis.length === 0) {
    list.skipped('ZCSPM API permissions', 'the license did not list the API application\'s permissions');
  } else {
    const missing = REQUIRED_ZCSPM_APIS.filter((api) => !accounts.apis.includes(api));
    if (missing.length === 0) list.ok('ZCSPM API permissions', `granted: ${REQUIRED_ZCSPM_APIS.join(', ')}`);
    else list.failed('ZCSPM API permissions', `the API application lacks ${missing.join(', ')} (grant them in ZCSPM > Configuration > API Access)`);
  }

  checkMappings(accounts, loaded, list);
}

/** The token endpoint's own answer behind a CredentialsRejectedError: it tells which credential is wrong. */
function answerOf(error: unknown): unknown {
  return error instanceof CredentialsRejectedError && error.cause instanceof ApiError ? error.cause : error;
}

/** Says which credential a failed license-accounts call points at; true when it reported the accounts line itself. */
function reportZcspmAuthFailure(caught: unknown, licenseId: string, host: string, list: CheckList): boolean {
  const error = answerOf(caught);
  if (error instanceof ApiError && error.status === 401 && /subscription key/i.test(error.bodyExcerpt ?? '')) {
    list.failed('ZCSPM subscription key', `rejected by the API gateway (${reason(error)}): check ZCSPM_SUBSCRIPTION_KEY`);
    list.skipped('ZCSPM license token', 'not checked: the gateway rejected the subscription key');
    return false;
  }
  if (error instanceof ApiError && error.endpoint.includes('/authorize/')) {
    list.ok('ZCSPM subscription key', 'accepted by the API gateway');
    const hint =
      error.status === 404 ? `: license ${licenseId} does not exist (check zcspmLicenseId)` : error.status === 401 || error.status === 403 ? ': check the API application id and secret' : '';
    list.failed('ZCSPM license token', `${reason(error, host)}${hint}`);
    return false;
  }
  if (error instanceof ApiError) {
    list.ok('ZCSPM subscription key', 'accepted by the API gateway');
    list.ok('ZCSPM license token', `issued for license ${licenseId}`);
    list.failed('ZCSPM accounts', `license accounts: ${reason(error)}${error.status === 403 ? ' (does the API application have License.GetAPIAccess?)' : ''}`);
    return true;
  }
  list.skipped('ZCSPM subscription key', 'not checked: no answer from the API');
  list.failed('ZCSPM license token', reason(error, host));
  return false;
}

function checkMappings(accounts: LicenseAccounts, loaded: LoadedConfig | undefined, list: CheckList): void {
  if (!loaded) {
    list.skipped('account mappings', 'no config loaded');
    return;
  }
  const mappings = loaded.config.accountMappings;
  if (mappings.length === 0) {
    list.skipped('account mappings', 'none configured: every deployment would be reported as unmapped (try "zsa accounts suggest")');
    return;
  }
  const byId = new Map(accounts.accounts.map((account) => [account.accountId.toLowerCase(), account]));
  const unknown: string[] = [];
  const outOfScope: string[] = [];
  const rows: string[][] = [['AWS ACCOUNT', 'ZCSPM ACCOUNT ID', 'ON THE LICENSE']];
  for (const mapping of mappings) {
    const account = byId.get(mapping.zcspmAccountId.toLowerCase());
    const label = mapping.name ? `${mapping.awsAccountId} (${mapping.name})` : mapping.awsAccountId;
    if (!account) {
      unknown.push(`${mapping.awsAccountId} -> ${mapping.zcspmAccountId}`);
      rows.push([label, mapping.zcspmAccountId, `${Mark.failed} unknown`]);
    } else if (!account.isInApiScope) {
      outOfScope.push(`${mapping.awsAccountId} -> ${account.accountName}`);
      rows.push([label, mapping.zcspmAccountId, `${Mark.failed} ${account.accountName}, not in the API scope`]);
    } else {
      rows.push([label, mapping.zcspmAccountId, `${Mark.ok} ${account.accountName}`]);
    }
  }
  const problems: string[] = [];
  if (unknown.length > 0) problems.push(`${unknown.length} mapped id${unknown.length === 1 ? '' : 's'} the license does not know: ${unknown.join(', ')}`);
  if (outOfScope.length > 0) problems.push(`${outOfScope.length} outside the API application's scope: ${outOfScope.join(', ')}`);
  if (problems.length > 0) list.failed('account mappings', problems.join('; '), table(rows));
  else list.ok('account mappings', `all ${mappings.length} mapped accounts are on the license and in the API scope`, table(rows));
}

async function checkSlack(io: CliIo, resolver: CredentialResolver, list: CheckList, config: ZsaConfig | undefined, post: boolean): Promise<void> {
  const name = 'Slack webhook';
  let slack: SlackWebhook | undefined;
  try {
    slack = await resolver.slack();
  } catch (error) {
    list.failed(name, reason(error));
    return;
  }
  const enabled = config?.notifications.slack.enabled === true;
  if (!slack?.webhookUrl) {
    if (slack?.botToken && config?.notifications.slack.mode === 'bot') list.skipped(name, `not used: bot mode (${slack.source})`);
    else if (enabled) list.failed(name, 'Slack is enabled in the config but no webhook URL is set (SLACK_WEBHOOK_URL or the slack secret)');
    else list.skipped(name, 'not configured (SLACK_WEBHOOK_URL, or the slack secret)');
    return;
  }
  const problem = webhookShapeProblem(slack.webhookUrl);
  if (problem) {
    list.failed(name, `${problem} (${slack.source})`);
    return;
  }
  if (!post) {
    list.ok(name, `URL has the incoming-webhook shape (${slack.source}); not posted: add --post-test-message to send one`);
    return;
  }
  try {
    const reply = await postToSlack({
      url: slack.webhookUrl,
      endpoint: 'POST slack-webhook',
      body: { text: ':white_check_mark: zsa doctor: test message from zscaler-aws-automations. Scan and diagnosis results will arrive here.' },
      ...(io.signal ? { signal: io.signal } : {}),
    });
    list.ok(name, `test message posted (HTTP ${reply.status}; ${slack.source})`);
  } catch (error) {
    list.failed(name, `Slack refused the test message: ${reason(error)}`);
  }
}

/**
 * What is wrong with a webhook URL's shape, or undefined. `http` on loopback is accepted as a local
 * stand-in for Slack (tests, offline demos).
 */
export function webhookShapeProblem(url: string): string | undefined {
  if (isPlaceholder(url)) return 'still the deploy-time placeholder: put the incoming-webhook URL in the slack secret';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)) return undefined;
  // The hint names no scheme: the redactor hides anything that starts like a real webhook URL.
  if (!SLACK_WEBHOOK.test(url)) return 'not an incoming-webhook URL (those look like hooks.slack.com/services/T…/B…/… over https)';
  return undefined;
}
