/**
 * The simulated ZCSPM license: cloud accounts, their resources and findings, and scan jobs.
 * A job's status follows the clock (New -> Pending -> Running -> Success | Failed, or Running
 * forever). When a job completes successfully it freezes a snapshot of the findings; between
 * scans the findings drift (some fixed, some new, deterministic per seed), and failed assets added
 * through the control API show up in scans that complete after they were added.
 */
import type { ScanOutcome, ScanOverride } from '../config.js';
import type { SimulatorContext } from '../context.js';
import { POLICIES, POLICY_BY_ID, resourceTypeOfArn, type PolicyDef } from '../data/zcspm-catalog.js';
import { accountGuid, buildAwsInventory, SEED_ACCOUNTS, type CloudResource } from '../data/zcspm-seed.js';
import { Rng, seededGuid } from '../random.js';
import { bump } from '../recorder.js';

/** A finding key: `<policyId>|<resourceId>`. */
type FindingKey = string;
const key = (policyId: string, resourceId: string): FindingKey => `${policyId}|${resourceId}`;

/** A resource made to fail on purpose (control API). */
export interface FailedAssetSpec {
  resourceId: string;
  /** Policy it fails; default: a policy for its type (inferred from an ARN), else ResourceOwnerTag. */
  policyId?: string;
  resourceType?: string;
  resourceName?: string;
  region?: string;
  tags?: Record<string, string>;
}

interface AddedFailure {
  readonly resource: CloudResource;
  readonly policyId: string;
  readonly addedAt: number;
}

/** The state of an account's findings as one completed scan saw them. */
export interface ScanSnapshot {
  readonly resources: readonly CloudResource[];
  readonly failing: ReadonlySet<FindingKey>;
  readonly completedAt: number;
}

/** One scan job; its status is derived from the clock. */
export interface ScanJob {
  readonly jobId: string;
  readonly accountId: string;
  readonly createdAt: number;
  readonly durationMs: number;
  readonly outcome: ScanOutcome;
  readonly legacyCompleted: boolean;
  snapshot?: ScanSnapshot;
  settled: boolean;
}

/** A cloud account on the license with its resources, findings and jobs. */
export interface CloudAccount {
  readonly accountId: string;
  accountName: string;
  readonly connectorType: 'AWS' | 'Azure';
  readonly awsAccountId: string | undefined;
  readonly roleName: string | undefined;
  inApiScope: boolean;
  readonly baseResources: CloudResource[];
  /** Current drifted findings over base resources. */
  failing: Set<FindingKey>;
  readonly added: AddedFailure[];
  readonly jobs: ScanJob[];
  completedScans: number;
}

/** Documented jobStatus values (Completed only in legacy mode). */
export type JobStatus = 'New' | 'Pending' | 'Running' | 'Success' | 'Completed' | 'Failed';

/** Policies that evaluate resources of `type`. */
export function policiesFor(type: string): PolicyDef[] {
  return POLICIES.filter((p) => p.resourceType === type || p.resourceType === '*');
}

/** The ZCSPM license of one simulator. */
export class ZcspmState {
  readonly accounts = new Map<string, CloudAccount>();
  private readonly nextScan = new Map<string, ScanOverride>();

  constructor(private readonly ctx: SimulatorContext) {
    for (const seed of SEED_ACCOUNTS) {
      const nativeId = seed.awsAccountId ?? seed.accountName;
      this.createAccount(accountGuid(ctx.seed, nativeId), seed.accountName, seed.connectorType, seed.awsAccountId, 'ZCSPMReadOnlyRole', seed.inApiScope, true);
    }
  }

  /** Adds an account with its seeded inventory; `withBaseline` adds a completed scan a day ago. */
  createAccount(accountId: string, accountName: string, connectorType: 'AWS' | 'Azure', awsAccountId: string | undefined, roleName: string | undefined, inApiScope: boolean, withBaseline: boolean): CloudAccount {
    const resources = awsAccountId ? buildAwsInventory(this.ctx.seed, awsAccountId, accountName.split(' ')[0] ?? 'env') : [];
    const rng = new Rng('baseline', this.ctx.seed, accountId);
    const failing = new Set<FindingKey>();
    for (const resource of resources) {
      for (const policy of policiesFor(resource.resourceType)) {
        if (rng.chance(policy.baselineFailRate)) failing.add(key(policy.policyId, resource.resourceId));
      }
    }
    const account: CloudAccount = { accountId, accountName, connectorType, awsAccountId, roleName, inApiScope, baseResources: resources, failing, added: [], jobs: [], completedScans: 0 };
    this.accounts.set(accountId, account);
    if (withBaseline) {
      const now = this.ctx.clock.now();
      const durationMs = 15 * 60_000;
      account.jobs.push({
        jobId: seededGuid('zcspm-job', this.ctx.seed, accountId, 'baseline'),
        accountId,
        createdAt: now - 24 * 3600_000,
        durationMs,
        outcome: 'success',
        legacyCompleted: false,
        snapshot: { resources, failing: new Set(failing), completedAt: now - 24 * 3600_000 + durationMs },
        settled: true,
      });
    }
    return account;
  }

  /** ZCSPM account id of an AWS account, onboarding a simulated one (in scope) when unknown. */
  ensureAwsAccount(awsAccountId: string): string {
    if (!/^\d{12}$/.test(awsAccountId)) throw new Error(`AWS account id must be 12 digits (got "${awsAccountId}")`);
    const existing = [...this.accounts.values()].find((a) => a.awsAccountId === awsAccountId);
    if (existing) return existing.accountId;
    return this.createAccount(accountGuid(this.ctx.seed, awsAccountId), `sandbox (${awsAccountId})`, 'AWS', awsAccountId, 'ZCSPMReadOnlyRole', true, true).accountId;
  }

  /** Makes `assets` fail in scans of `accountId` that complete from now on. */
  addFailedAssets(accountId: string, assets: readonly FailedAssetSpec[]): void {
    const account = this.mustGet(accountId);
    const now = this.ctx.clock.now();
    for (const asset of assets) {
      if (asset.policyId !== undefined && !POLICY_BY_ID.has(asset.policyId)) throw new Error(`Unknown policy "${asset.policyId}"`);
      const resourceType = asset.resourceType ?? resourceTypeOfArn(asset.resourceId) ?? 'AWS::CloudFormation::CustomResource';
      const policyId = asset.policyId ?? policiesFor(resourceType).find((p) => p.resourceType !== '*')?.policyId ?? 'ResourceOwnerTag';
      const name = asset.resourceName ?? asset.resourceId.split(/[/:]/).filter(Boolean).pop() ?? asset.resourceId;
      account.added.push({
        resource: { resourceId: asset.resourceId, resourceName: name, resourceType, resourceRegion: asset.region ?? 'us-east-1', tags: asset.tags ?? {} },
        policyId,
        addedAt: now,
      });
    }
  }

  /** Forgets failed assets added through the control API (all, or those with the given ids). */
  clearFailedAssets(accountId: string, resourceIds?: readonly string[]): void {
    const account = this.mustGet(accountId);
    const keep = account.added.filter((a) => resourceIds !== undefined && !resourceIds.includes(a.resource.resourceId));
    account.added.splice(0, account.added.length, ...keep);
  }

  /** Overrides how the next scan started for `accountId` behaves (one-shot). */
  setNextScan(accountId: string, override: ScanOverride): void {
    this.mustGet(accountId);
    this.nextScan.set(accountId, override);
  }

  mustGet(accountId: string): CloudAccount {
    const account = this.accounts.get(accountId.toLowerCase());
    if (!account) throw new Error(`Unknown ZCSPM account ${accountId}`);
    return account;
  }

  jobStatus(job: ScanJob, now: number): JobStatus {
    const fraction = (now - job.createdAt) / job.durationMs;
    if (fraction < 0.1) return 'New';
    if (fraction < 0.2) return 'Pending';
    if (fraction < 1 || job.outcome === 'never') return 'Running';
    if (job.outcome === 'failed') return 'Failed';
    return job.legacyCompleted ? 'Completed' : 'Success';
  }

  isRunning(job: ScanJob, now: number): boolean {
    return ['New', 'Pending', 'Running'].includes(this.jobStatus(job, now));
  }

  /** Starts a scan job (counts it) with the account's overrides and any one-shot override. */
  startScan(account: CloudAccount, now: number): ScanJob {
    const base = this.ctx.config.zcspm.scan;
    const perAccount = base.accounts[account.accountId] ?? {};
    const once = this.nextScan.get(account.accountId) ?? {};
    this.nextScan.delete(account.accountId);
    const durationMs = (once.durationMs ?? perAccount.durationMs ?? base.durationMs) * this.ctx.config.timeScale;
    const job: ScanJob = {
      jobId: seededGuid('zcspm-job', this.ctx.seed, account.accountId, account.jobs.length),
      accountId: account.accountId,
      createdAt: now,
      durationMs: Math.max(1, durationMs),
      outcome: once.outcome ?? perAccount.outcome ?? base.outcome,
      legacyCompleted: once.legacyCompleted ?? perAccount.legacyCompleted ?? base.legacyCompleted,
      settled: false,
    };
    account.jobs.push(job);
    bump(this.ctx.counters.scansStarted, account.accountId);
    return job;
  }

  /** Freezes the snapshots of jobs that have completed by `now`, in completion order. */
  settle(account: CloudAccount, now: number): void {
    const due = account.jobs
      .filter((j) => !j.settled && j.outcome !== 'never' && j.createdAt + j.durationMs <= now)
      .sort((a, b) => a.createdAt + a.durationMs - (b.createdAt + b.durationMs));
    for (const job of due) {
      job.settled = true;
      if (job.outcome !== 'success') continue;
      const completedAt = job.createdAt + job.durationMs;
      account.completedScans += 1;
      this.drift(account);
      const added = account.added.filter((a) => a.addedAt < completedAt);
      const failing = new Set(account.failing);
      for (const a of added) failing.add(key(a.policyId, a.resource.resourceId));
      const addedResources = [...new Map(added.map((a) => [a.resource.resourceId, a.resource])).values()].filter(
        (r) => !account.baseResources.some((b) => b.resourceId === r.resourceId),
      );
      job.snapshot = { resources: [...account.baseResources, ...addedResources], failing, completedAt };
    }
  }

  /** Between two scans some findings get fixed and some new ones appear (deterministic). */
  private drift(account: CloudAccount): void {
    const { fixesPerScan, newFailuresPerScan } = this.ctx.config.zcspm.scan;
    const rng = new Rng('drift', this.ctx.seed, account.accountId, account.completedScans);
    const failing = [...account.failing].sort();
    for (let i = 0; i < fixesPerScan && failing.length > 0; i += 1) {
      const [fixed] = failing.splice(rng.int(0, failing.length - 1), 1);
      if (fixed) account.failing.delete(fixed);
    }
    const passing: FindingKey[] = [];
    for (const resource of account.baseResources) {
      for (const policy of policiesFor(resource.resourceType)) {
        const k = key(policy.policyId, resource.resourceId);
        if (!account.failing.has(k)) passing.push(k);
      }
    }
    for (let i = 0; i < newFailuresPerScan && passing.length > 0; i += 1) {
      const [broken] = passing.splice(rng.int(0, passing.length - 1), 1);
      if (broken) account.failing.add(broken);
    }
  }

  /** The snapshot of `jobId`, or of the latest successful scan when absent. */
  lastSuccessful(account: CloudAccount): ScanJob | undefined {
    return [...account.jobs].filter((j) => j.snapshot).sort((a, b) => (b.snapshot?.completedAt ?? 0) - (a.snapshot?.completedAt ?? 0))[0];
  }
}
