/**
 * The sandbox run of the alert-diagnostics pipeline: ZDX webhook body files in, the `diagnostics`
 * part of the sandbox document out.
 *
 * Every body is delivered to the real AlertIntake handler with this run's credential, exactly as the
 * HTTP API would; accepted alerts run through the synthesized AlertDiagnostics state machine against
 * the simulator and DynamoDB Local. An alert id the simulator does not know is seeded first with
 * simulated affected devices. Bodies the intake does not accept (test webhook, wrong fields,
 * filtered severity, duplicates) are listed under `ignored` with the intake's own message. A file
 * that is not JSON is a usage error (exit code 2, naming the file).
 */
import type { ZdxAuth } from '../../../lambdas/zscaler/zdx/oneapi.js';
import { canonicalZdxId } from '../../../lambdas/diagnostics/domain/webhook-alert.js';
import { readJsonInputs, type SandboxDiagnostics } from '../sandbox.js';
import { DiagnosticsPipelineHarness, type DiagnosticsOutcome } from './harness.js';

export interface DiagnosticsSandboxOptions {
  /** ZDX webhook body files (each holds one body or an array of bodies). */
  readonly files: readonly string[];
  /** Relative paths resolve against this directory. @default process.cwd() */
  readonly cwd?: string;
  /** A running DynamoDB Local; default: start one. */
  readonly dynamoEndpoint?: string | undefined;
  /** Post Slack messages to this real incoming webhook as well. */
  readonly slackWebhookUrl?: string | undefined;
  /** How the pipeline reaches the simulated ZDX. @default 'api-key' */
  readonly zdxAuth?: ZdxAuth | undefined;
  /** Progress lines (human mode). */
  readonly onProgress?: (line: string) => void;
}

/** The diagnostics part of the sandbox document. */
export interface DiagnosticsSandboxResult {
  readonly diagnostics: SandboxDiagnostics[];
  readonly ignored: Array<{ source: string; reason: string }>;
}

interface SourcedBody {
  readonly source: string;
  readonly body: unknown;
}

/** Reads every alert file; an unreadable or non-JSON file is a {@link SandboxUsageError} naming it. */
export async function readAlertFiles(files: readonly string[], cwd = process.cwd()): Promise<SourcedBody[]> {
  return (await readJsonInputs(files, cwd)).map(({ source, value }) => ({ source, body: value }));
}

/** A positive ZDX alert id the simulator can seed (so an unknown alert has affected devices), from a webhook body. */
export function seedableAlertId(body: unknown): number | undefined {
  const id = canonicalZdxId((body as { alertId?: unknown } | null)?.alertId);
  return id === undefined || id === '0' ? undefined : Number(id);
}

/** The `ruleName` of a webhook body, when it has one. */
export function ruleNameOf(body: unknown): string | undefined {
  const ruleName = (body as { ruleName?: unknown } | null | undefined)?.ruleName;
  return typeof ruleName === 'string' ? ruleName : undefined;
}

/** Runs the alert files through the local pipeline. */
export async function runDiagnosticsSandbox(options: DiagnosticsSandboxOptions): Promise<DiagnosticsSandboxResult> {
  const bodies = await readAlertFiles(options.files, options.cwd);
  if (bodies.length === 0) return { diagnostics: [], ignored: [] };
  const progress = options.onProgress;
  const started = Date.now();
  const say = (line: string) => progress?.(`[+${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);

  const zdxAuth = options.zdxAuth ?? 'api-key';
  say(`diagnostics: starting the simulator, synthesizing the app (ZDX ${zdxAuth === 'oneapi' ? 'through OneAPI with a ZIdentity client' : 'with the legacy API key'})`);
  const harness = await DiagnosticsPipelineHarness.start({
    dynamoEndpoint: options.dynamoEndpoint,
    zdxAuth,
    realSlackWebhook: options.slackWebhookUrl,
    ...(progress ? { onProgress: (line: string) => say(line) } : {}),
  });
  try {
    const ignored: DiagnosticsSandboxResult['ignored'] = [];
    const accepted: Array<{ source: string; executionName: string; alertId: string }> = [];
    for (const { source, body } of bodies) {
      const alertId = seedableAlertId(body);
      if (alertId !== undefined) harness.simulator.ensureAlert(alertId);
      const answer = await harness.deliverWebhook(JSON.stringify(body));
      const message = String(answer.body.message ?? answer.body.error ?? `HTTP ${answer.statusCode}`);
      if (answer.statusCode === 202) {
        accepted.push({ source, executionName: String(answer.body.executionName), alertId: String(answer.body.alertId) });
        say(`${source}: accepted (${message})`);
      } else {
        ignored.push({ source, reason: `${answer.statusCode}: ${message}` });
        // A 200 naming the alert is a status the intake recorded (an end), not a body it threw away.
        const verb = answer.statusCode === 200 && answer.body.alertId !== undefined ? 'recorded, nothing started' : 'ignored';
        say(`${source}: ${verb} (${answer.statusCode}: ${message})`);
      }
    }
    await harness.idle();
    const outcomes = new Map(harness.outcomes().map((outcome) => [outcome.executionName, outcome]));
    const diagnostics = accepted.flatMap(({ executionName, alertId }) => {
      const outcome = outcomes.get(executionName);
      const fromBody = bodies.map(({ body }) => body as { alertId?: unknown } | null).find((body) => String(body?.alertId).trim() === alertId);
      return outcome ? [toSandboxDiagnostics(outcome, alertId, ruleNameOf(fromBody))] : [];
    });
    say(`diagnostics: done, ${diagnostics.length} alert(s), ${ignored.length} ignored input(s)`);
    return { diagnostics, ignored };
  } finally {
    await harness.close();
  }
}

/**
 * The sandbox document's view of one alert's run (also what `--serve` answers). `bodyRuleName`: the
 * rule name of the webhook body, shown when the run produced no report.
 */
export function toSandboxDiagnostics(outcome: DiagnosticsOutcome, alertId: string, bodyRuleName: string | undefined): SandboxDiagnostics {
  const report = outcome.report;
  return {
    alertId,
    ruleName: report?.alert.ruleName ?? bodyRuleName ?? 'unknown rule',
    executionName: outcome.executionName,
    status: outcome.status,
    devices: (report?.devices ?? []).map((device) => ({
      deviceId: device.deviceId,
      ...(device.deviceName ? { deviceName: device.deviceName } : {}),
      traceId: device.traceId,
      status: device.status,
      ...(device.reason ? { reason: device.reason } : {}),
      diagnosis: device.diagnosis,
      ...(device.firstLook
        ? { firstLook: { verdict: device.firstLook.verdict, headline: device.firstLook.headline, evidence: device.firstLook.evidence, secondsAfterWebhook: device.firstLook.secondsAfterWebhook } }
        : {}),
      ...(device.confirmation ? { confirmation: device.confirmation } : {}),
    })),
    summary: report?.summary ?? null,
    ...(outcome.failure ? { failure: outcome.failure } : {}),
    notifications: outcome.notifications.map(({ channel, payload }) => ({ channel, payload })),
  };
}

/** Human-readable lines for the sandbox's summary (non-JSON mode). */
export function formatDiagnosticsSummary(diagnostics: readonly SandboxDiagnostics[]): string {
  const lines: string[] = [];
  for (const entry of diagnostics) {
    lines.push(`Alert ${entry.alertId} (${entry.ruleName}): ${entry.status}`);
    if (entry.failure) lines.push(`  failed: ${entry.failure.reason}: ${entry.failure.message}`);
    if (entry.summary) lines.push(`  ${entry.summary.text}`);
    for (const device of entry.devices) {
      lines.push(`  - ${device.deviceName ?? device.deviceId} [${device.status}] ${device.diagnosis?.headline ?? device.reason ?? ''}`.trimEnd());
      if (device.confirmation) lines.push(`      ${device.confirmation.text}`);
    }
    lines.push(`  notifications: ${entry.notifications.map((notification) => notification.channel).join(', ') || 'none'}`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
