/**
 * `zsa scan --account <id> [--wait] [--fail-on red|amber|none] [--benchmark ID] [--json]
 * [--timeout-minutes N]`: a CI gate after a deployment.
 *
 * Maps an AWS account id through the config's accountMappings (a ZCSPM GUID is used as is), starts a
 * rescan, optionally polls it with backoff to the end, reads the audit summary and prints the
 * posture with the top failed policies. Exit 1 when the threshold is crossed (red: any Red policy;
 * amber: any Red or Amber), when the scan failed, or when waiting timed out; 2 on usage errors.
 */
import { JobFailedError, TimeoutError } from '../../../lambdas/core/errors.js';
import type { Posture } from '../../../lambdas/notify/results.js';
import type { AuditPolicy, AuditSummary, LicenseAccounts } from '../../../lambdas/zscaler/zcspm/schemas.js';
import type { AccountMapping } from '../../../lib/settings/schema.js';
import { choiceOption, flag, intOption, parseCommandArgs, requiredOption, stringOption, UsageError } from '../args.js';
import { CliHttp, zcspmClient } from '../clients.js';
import { CredentialResolver, credentialSources } from '../credentials.js';
import { SCAN_SPEC } from '../help.js';
import { duration, ExitCode, Mark, Output, percent, table, timing, type Command } from '../io.js';
import { loadDeploymentConfig, requireLicense, resolveEndpoints } from '../settings.js';
import { suggestMappings } from './accounts.js';

export const FAIL_ON = ['red', 'amber', 'none'] as const;
export type FailOn = (typeof FAIL_ON)[number];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOP_POLICIES = 10;
/** Poll waits: first, growth factor and cap. A scan takes minutes; the first checks come early for small accounts. */
const POLL = { firstMs: 5_000, factor: 1.5, maxMs: 60_000 } as const;

/** A failed policy as the gate reports it. */
export interface FailedPolicy {
  readonly policyId: string;
  readonly title: string;
  readonly compliance: string;
  readonly severity: string;
  readonly failedResources: number;
  readonly totalResources: number;
  readonly category: string;
}

/** The gate's verdict on a posture. */
export function gateVerdict(posture: Posture, failOn: FailOn): { crossed: boolean; reason: string } {
  const plural = (count: number, what: string) => `${count} ${what} polic${count === 1 ? 'y' : 'ies'}`;
  if (failOn === 'none') return { crossed: false, reason: 'no threshold (--fail-on none)' };
  if (failOn === 'red') {
    return posture.red > 0 ? { crossed: true, reason: `${plural(posture.red, 'Red')} (--fail-on red)` } : { crossed: false, reason: 'no Red policy (--fail-on red)' };
  }
  const crossed = posture.red + posture.amber > 0;
  return crossed
    ? { crossed, reason: `${plural(posture.red, 'Red')} and ${plural(posture.amber, 'Amber')} (--fail-on amber)` }
    : { crossed, reason: 'no Red or Amber policy (--fail-on amber)' };
}

const SEVERITY_ORDER = ['critical', 'high', 'moderate', 'medium', 'low', 'verylow'];

function severityRank(severity: string | undefined): number {
  const index = SEVERITY_ORDER.indexOf((severity ?? '').replace(/[\s_-]/g, '').toLowerCase());
  return index === -1 ? SEVERITY_ORDER.length : index;
}

/** Red and Amber policies, worst first: Red before Amber, then severity, then most failed resources. */
export function topFailedPolicies(summary: AuditSummary, limit = TOP_POLICIES): FailedPolicy[] {
  const colour = (policy: AuditPolicy) => policy.compliance.trim().toLowerCase();
  return summary.categories
    .flatMap((category) => category.policies.filter((policy) => ['red', 'amber'].includes(colour(policy))).map((policy) => ({ policy, category: category.categoryName })))
    .sort(
      (a, b) =>
        Number(colour(b.policy) === 'red') - Number(colour(a.policy) === 'red') ||
        severityRank(a.policy.severity) - severityRank(b.policy.severity) ||
        b.policy.failedResourceCount - a.policy.failedResourceCount ||
        a.policy.policyId.localeCompare(b.policy.policyId),
    )
    .slice(0, limit)
    .map(({ policy, category }) => ({
      policyId: policy.policyId,
      title: policy.shortTitle ?? policy.policyId,
      compliance: policy.compliance,
      severity: policy.severity ?? 'unknown',
      failedResources: policy.failedResourceCount,
      totalResources: policy.totalResourceCount,
      category,
    }));
}

/** Runs the gate; see the module comment. */
export const runScan: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, SCAN_SPEC);
  const accountInput = requiredOption(values, 'account');
  const failOn = choiceOption(values, 'fail-on', FAIL_ON, 'red');
  const timeoutMinutes = intOption(values, 'timeout-minutes', { min: 1, max: 24 * 60 }, 60);
  const wait = flag(values, 'wait');
  const json = flag(values, 'json');
  const benchmarkOption = stringOption(values, 'benchmark');
  if (benchmarkOption !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(benchmarkOption)) {
    throw new UsageError(`--benchmark must be a benchmark id like CSBP (got "${benchmarkOption}")`);
  }
  const sources = credentialSources(values);

  const loaded = loadDeploymentConfig(io, stringOption(values, 'config'));
  const mappings = loaded?.config.accountMappings ?? [];
  const requested = resolveAccount(accountInput, mappings);
  const benchmarkId = benchmarkOption ?? loaded?.config.scan.benchmarks[0] ?? 'CSBP';
  const endpoints = resolveEndpoints(io, loaded?.config);
  const licenseId = requireLicense(endpoints);
  const app = await new CredentialResolver(io, sources).zcspm();
  const out = new Output(io);
  const { clock, sleep } = timing(io);
  const http = new CliHttp({ clock, sleep });
  try {
    const { client } = zcspmClient(http, endpoints.zcspmBaseUrl, licenseId, app, (loaded?.config.scan.zcspmTokenLifetimeMinutes ?? 60) * 60);
    const call = { signal: io.signal };
    const target = 'unmapped' in requested ? await accountFromLicense(requested.unmapped, mappings, loaded?.source, () => client.licenseAccounts(call), out) : requested;
    const started = clock.now();
    const { jobId } = await client.rescan(target.zcspmAccountId, call);
    out.note(`Started scan ${jobId} of ${target.label}.`);

    let jobStatus = 'Started';
    if (wait) {
      const deadline = started + timeoutMinutes * 60_000;
      let pause: number = POLL.firstMs;
      for (;;) {
        const remaining = deadline - clock.now();
        if (remaining <= 0) {
          throw new TimeoutError(`scan ${jobId} is still ${jobStatus} after ${timeoutMinutes} min; stopped waiting (the scan goes on in ZCSPM)`);
        }
        await sleep(Math.min(pause, remaining), io.signal);
        pause = Math.min(POLL.maxMs, pause * POLL.factor);
        const status = await client.jobStatus(target.zcspmAccountId, jobId, call);
        jobStatus = status.jobStatus;
        out.note(`  ${jobStatus} after ${duration(clock.now() - started)}`);
        if (status.succeeded) break;
        if (status.terminal) throw new JobFailedError(`scan ${jobId} of ${target.label} ended ${jobStatus}: no new posture to gate on`, jobStatus);
      }
    }

    const summary = await client.auditSummary(target.zcspmAccountId, benchmarkId, { ...call, ...(wait ? { jobId } : {}) });
    const verdict = gateVerdict(summary.posture, failOn);
    const failed = topFailedPolicies(summary);
    const result = {
      account: {
        input: accountInput,
        ...(target.awsAccountId ? { awsAccountId: target.awsAccountId } : {}),
        zcspmAccountId: target.zcspmAccountId,
        ...(summary.accountName ? { name: summary.accountName } : {}),
      },
      jobId,
      jobStatus,
      waited: wait,
      gatedScan: wait ? 'this scan' : 'the last completed scan',
      benchmarkId: summary.benchmarkId,
      ...(summary.benchmarkName ? { benchmarkName: summary.benchmarkName } : {}),
      ...(summary.lastScannedDate ? { lastScannedDate: summary.lastScannedDate } : {}),
      posture: summary.posture,
      topFailedPolicies: failed,
      gate: { failOn, crossed: verdict.crossed, reason: verdict.reason },
      durationSeconds: Math.round((clock.now() - started) / 1000),
    };
    if (json) out.json(result);
    else printPosture(out, result, summary, verdict, wait, clock.now() - started);
    return verdict.crossed ? ExitCode.Failed : ExitCode.Ok;
  } finally {
    await http.close();
  }
};

interface Target {
  readonly zcspmAccountId: string;
  readonly awsAccountId?: string;
  /** How messages name the account before its ZCSPM name is known. */
  readonly label: string;
}

type AccountMappingLike = Pick<AccountMapping, 'awsAccountId' | 'zcspmAccountId' | 'name'>;

/** The account to scan from `--account` and the mappings, or the AWS id the mappings do not hold. */
function resolveAccount(input: string, mappings: readonly AccountMappingLike[]): Target | { readonly unmapped: string } {
  if (GUID.test(input)) {
    const mapped = mappings.find((mapping) => mapping.zcspmAccountId.toLowerCase() === input.toLowerCase());
    return mapped
      ? { zcspmAccountId: input, awsAccountId: mapped.awsAccountId, label: `AWS account ${mapped.awsAccountId} (${input})` }
      : { zcspmAccountId: input, label: `ZCSPM account ${input}` };
  }
  if (!/^\d{12}$/.test(input)) throw new UsageError(`--account must be a 12-digit AWS account id or a ZCSPM account GUID (got "${input}")`);
  const mapping = mappings.find((candidate) => candidate.awsAccountId === input);
  if (!mapping) return { unmapped: input };
  return { zcspmAccountId: mapping.zcspmAccountId, awsAccountId: input, label: `AWS account ${input} (${mapping.name ? `${mapping.name}, ` : ''}${mapping.zcspmAccountId})` };
}

/**
 * An AWS account the config does not map, found by the license account whose name holds its id (the
 * matching `accounts suggest` uses), and said so: a CI gate should not fail on a mapping that only
 * the pipeline needs. No single match is a usage error that says how to map it.
 */
async function accountFromLicense(
  awsAccountId: string,
  mappings: readonly AccountMappingLike[],
  source: string | undefined,
  listAccounts: () => Promise<LicenseAccounts>,
  out: Output,
): Promise<Target> {
  const { accounts } = await listAccounts();
  const match = suggestMappings(accounts, mappings as readonly AccountMapping[]).filter((suggestion) => suggestion.status === 'suggested' && suggestion.awsAccountId === awsAccountId);
  const where = source ? `accountMappings of ${source}` : 'any config (no cdk.json here and no --config FILE)';
  if (match.length !== 1) {
    throw new UsageError(
      `AWS account ${awsAccountId} is not mapped in ${where}, and no single license account name holds it: add the mapping ("zsa accounts suggest" proposes them) or pass the ZCSPM account GUID`,
    );
  }
  const found = match[0]!;
  out.note(`AWS account ${awsAccountId} is not mapped in ${where}; using the license account "${found.accountName}" (${found.zcspmAccountId}), whose name holds it. Add the mapping for the pipeline: "zsa accounts suggest".`);
  return { zcspmAccountId: found.zcspmAccountId, awsAccountId, label: `AWS account ${awsAccountId} (${found.zcspmAccountId})` };
}

/** `AWS account 1111... → ZCSPM account "prod (1111...)" (a865...)`, naming each account once. */
function accountLine(account: { awsAccountId?: string; zcspmAccountId: string; name?: string }): string {
  const zcspm = account.name ? `ZCSPM account "${account.name}" (${account.zcspmAccountId})` : `ZCSPM account ${account.zcspmAccountId}`;
  return account.awsAccountId ? `AWS account ${account.awsAccountId} → ${zcspm}` : zcspm;
}

function printPosture(
  out: Output,
  result: {
    account: { awsAccountId?: string; zcspmAccountId: string; name?: string };
    jobId: string;
    jobStatus: string;
    posture: Posture;
    topFailedPolicies: FailedPolicy[];
    lastScannedDate?: string;
  },
  summary: AuditSummary,
  verdict: { crossed: boolean; reason: string },
  waited: boolean,
  elapsedMs: number,
): void {
  const p = result.posture;
  const scanLine = waited
    ? `job ${result.jobId} ${result.jobStatus} after ${duration(elapsedMs)}`
    : `job ${result.jobId} started; showing the last completed scan${result.lastScannedDate ? ` (${result.lastScannedDate})` : ''} (add --wait to gate on this one)`;
  out.line(
    ...table([
      ['Account', accountLine(result.account)],
      ['Scan', scanLine],
      ['Benchmark', `${summary.benchmarkId}${summary.benchmarkName ? ` (${summary.benchmarkName})` : ''}`],
      ['Posture', `${percent(p.compliancePercent)} compliant   Red ${p.red}   Amber ${p.amber}   Green ${p.green}   Gray ${p.gray}   (${p.total} policies)`],
    ]),
  );
  if (result.topFailedPolicies.length > 0) {
    out.line('', 'Top failed policies:');
    out.line(
      ...table(
        [
          ['COLOUR', 'SEVERITY', 'FAILED', 'POLICY'],
          ...result.topFailedPolicies.map((policy) => [policy.compliance, policy.severity, `${policy.failedResources}/${policy.totalResources}`, `${policy.policyId}: ${policy.title}`]),
        ],
        '  ',
      ),
    );
  }
  out.line('', verdict.crossed ? `${Mark.failed} Gate failed: ${verdict.reason}` : `${Mark.ok} Gate passed: ${verdict.reason}`);
}
