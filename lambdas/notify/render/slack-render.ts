/**
 * Renders a pipeline result as a Slack message (Block Kit plus a plain-text `text` fallback).
 *
 * Pure: no I/O, no clock, no randomness, so the same result always gives the same message
 * (golden tests and idempotent `chat.update` rely on it). Every user-controlled string goes
 * through the helpers in `text.ts`, and the message always fits {@link SLACK_LIMITS}: long
 * lists end in "and N more" with a link to the full report.
 */
import { VERDICT_LABEL, type DiagnosticsReport, type DeviceResult, type FailedAsset, type FailureReport, type PipelineResult, type ScanReport } from '../results.js';
import {
  distinctAccountName,
  DEVICE_OUTCOME_LABEL,
  filledCells,
  formatCount,
  formatDuration,
  formatPercent,
  formatPointChange,
  formatUtc,
  normalizeSeverity,
  orderDevices,
  orderFailures,
  plural,
  resultOutcome,
  resultSeverity,
  scanHeadline,
  toEpochSeconds,
  type ResultSeverity,
} from './result-facts.js';
import { ELLIPSIS, mrkdwn, mrkdwnCode, mrkdwnLink, plainText, safeUrl, truncate } from './text.js';

/** Slack's documented limits, with the total block size kept under what Slack accepts in practice. */
export const SLACK_LIMITS = {
  maxBlocks: 50,
  maxSectionText: 3000,
  maxFieldText: 2000,
  maxFields: 10,
  maxHeaderText: 150,
  maxContextElements: 10,
  /** `JSON.stringify(blocks).length`; Slack rejects messages somewhere above ~13k. */
  maxBlocksJsonChars: 12_000,
  /** The top-level `text` fallback (Slack truncates at 40k; notifications show far less). */
  maxFallbackText: 3000,
} as const;

export interface SlackTextObject {
  readonly type: 'mrkdwn' | 'plain_text';
  readonly text: string;
  readonly emoji?: boolean;
}

export type SlackBlock =
  | { readonly type: 'header'; readonly text: SlackTextObject }
  | { readonly type: 'section'; readonly text?: SlackTextObject; readonly fields?: readonly SlackTextObject[] }
  | { readonly type: 'divider' }
  | { readonly type: 'context'; readonly elements: readonly SlackTextObject[] };

/** The JSON body for an incoming webhook or `chat.postMessage` (channel and thread added there). */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

export interface SlackRenderOptions {
  /** Short label of the deployment (e.g. `prod`), shown in the footer. */
  readonly environment?: string;
  /** Most list entries (failures or devices) rendered before "and N more". Default 10. */
  readonly maxListItems?: number;
}

const MAX_NAME = 120;
const MAX_LINK_URL = 1000;
const SEVERITY_EMOJI: Record<ResultSeverity, string> = {
  critical: '🔴',
  high: '🟠',
  medium: '🟡',
  low: '🔵',
  info: '⚪',
  unknown: '⚪',
};
const VERDICT_EMOJI: Record<DiagnosticsReport['summary']['verdict'], string> = {
  device: '💻',
  network: '🌐',
  zscaler: '☁️',
  application: '🧩',
  unknown: '❔',
};

/** Renders any pipeline result; see the module comment for the guarantees. */
export function renderSlack(result: PipelineResult, options: SlackRenderOptions = {}): SlackMessage {
  if (result.kind === 'scan') return renderScan(result, options);
  if (result.kind === 'diagnostics') return renderDiagnostics(result, options);
  return renderFailure(result, options);
}

/** Size of the blocks as Slack measures them (conservatively: the serialised JSON). */
export function slackBlocksSize(blocks: readonly SlackBlock[]): number {
  return JSON.stringify(blocks).length;
}

function renderScan(report: ScanReport, options: SlackRenderOptions): SlackMessage {
  const outcome = resultOutcome(report);
  const statusEmoji = outcome === 'new-failures' ? '🟥' : outcome === 'clean' ? '🟩' : '🟨';
  const accountLabel = report.zcspmAccountName ?? report.awsAccountId;
  const headline = scanHeadline(report);
  const reportUrl = safeUrl(report.links.zcspm, MAX_LINK_URL);

  const percent = report.posture.compliancePercent;
  const cells = filledCells(percent);
  const bar = '🟩'.repeat(cells) + '🟥'.repeat(10 - cells);
  const change = formatPointChange(report.delta.compliancePercentChange);
  const posture = report.posture;
  const summary = [
    `*${headline}*`,
    `${bar}  *${formatPercent(percent)}* compliant${change ? ` (${change} since the last scan)` : ''}`,
    `🔴 ${formatCount(posture.red)} red · 🟠 ${formatCount(posture.amber)} amber · 🟢 ${formatCount(posture.green)} green · ⚪ ${formatCount(posture.gray)} gray`,
  ];
  // `posture` is the first benchmark's; the others get one line each.
  for (const benchmark of report.benchmarks.slice(1, 5)) {
    summary.push(`${mrkdwn(benchmark.benchmarkName ?? benchmark.benchmarkId, 80)}: ${formatPercent(benchmark.posture.compliancePercent)} compliant`);
  }

  const fields = [
    field('AWS account', `${mrkdwn(report.awsAccountId, MAX_NAME)} · ${mrkdwn(report.region, 40)}`),
    field('ZCSPM account', report.zcspmAccountName ? `${mrkdwn(report.zcspmAccountName, MAX_NAME)}\n${mrkdwnCode(report.zcspmAccountId, MAX_NAME)}` : mrkdwnCode(report.zcspmAccountId, MAX_NAME)),
    field('Failing assets', `${formatCount(report.failedAssetCount)} (${formatCount(report.deploymentFailureCount)} in the deployed stacks)`),
    field('Scan', `${mrkdwnCode(report.jobId, MAX_NAME)} · ${mrkdwn(report.jobStatus, 40)} · ${formatDuration(report.durationSeconds)}`),
  ];

  const head: SlackBlock[] = [
    header(`${statusEmoji} Compliance scan · ${accountLabel}`),
    { type: 'section', text: md(summary.join('\n')), fields },
  ];
  if (report.deployments.length > 0) head.push(section(deploymentsText(report.deployments)));

  const ordered = orderFailures(report.topFailures);
  const own = ordered.filter((a) => a.fromDeployment);
  const others = ordered.filter((a) => !a.fromDeployment);
  const items: ListItem[] = [];
  const limit = options.maxListItems ?? 10;
  const ownShown = own.slice(0, limit);
  const othersShown = others.slice(0, Math.max(0, limit - ownShown.length));
  if (ownShown.length > 0) {
    items.push({ block: section(`*Failures in the deployed stacks* (${formatCount(report.deploymentFailureCount)})`), entries: 0 });
    for (const asset of ownShown) items.push({ block: section(failureText(asset)), entries: 1 });
  }
  if (othersShown.length > 0) {
    const otherTotal = Math.max(0, report.failedAssetCount - report.deploymentFailureCount);
    items.push({ block: section(`*Other failing assets in the account* (${formatCount(otherTotal)})`), entries: 0 });
    for (const asset of othersShown) items.push({ block: section(failureText(asset)), entries: 1 });
  }

  const tail = footer(
    [reportUrl ? mrkdwnLink(reportUrl, 'Open the ZCSPM report') : undefined, executionLink(report.links.execution)],
    [
      options.environment ? `zsa · ${mrkdwn(options.environment, 40)}` : 'zsa',
      `benchmark ${mrkdwn(report.benchmarks[0]?.benchmarkName ?? report.benchmarks[0]?.benchmarkId ?? 'default', 80)}`,
      timeText('finished', report.completedAt),
    ],
  );
  const total = Math.max(report.failedAssetCount, report.topFailures.length);
  const blocks = assemble(head, items, tail, (shown) => {
    const rest = total - shown;
    if (rest <= 0) return undefined;
    const link = reportUrl ? ` ${mrkdwnLink(reportUrl, 'See them all in ZCSPM')}` : '';
    return section(`…and ${plural(rest, 'more failing asset')}.${link}`);
  });

  const where = distinctAccountName(report) ? `${mrkdwn(report.awsAccountId, 40)}, ${mrkdwn(report.region, 40)}` : mrkdwn(report.region, 40);
  const text = `${statusEmoji} Compliance scan of ${mrkdwn(accountLabel, MAX_NAME)} (${where}): ${headline} ${formatPercent(percent)} compliant.`;
  return { text: truncate(text, SLACK_LIMITS.maxFallbackText), blocks };
}

function renderDiagnostics(report: DiagnosticsReport, options: SlackRenderOptions): SlackMessage {
  const { alert, summary } = report;
  const severity = resultSeverity(report);
  const alertUrl = safeUrl(report.links.zdx, MAX_LINK_URL);
  const total = report.devices.length;
  const verdict = VERDICT_LABEL[summary.verdict];

  const fields = [
    field('Severity', `${SEVERITY_EMOJI[severity]} ${mrkdwn(alert.severity, 40)}`),
    field('Status', mrkdwn(alert.status, 60)),
    field('Application', alert.applicationName ? mrkdwn(alert.applicationName, MAX_NAME) : alert.applicationId ? mrkdwnCode(alert.applicationId, 60) : '—'),
    field('Impacted devices', formatCount(alert.impactedDeviceCount ?? total)),
  ];
  if (alert.alertType) fields.push(field('Alert type', mrkdwn(alert.alertType, 60)));
  const started = alert.startTime === undefined ? undefined : timeText('', alert.startTime);
  if (started) fields.push(field('Started', started));
  if (alert.criteriaString) fields.push(field('Criteria', mrkdwn(alert.criteriaString, 300)));
  fields.push(field('Alert', mrkdwnCode(alert.alertId, 60)));

  const firstLook = report.phase === 'first-look';
  const head: SlackBlock[] = [
    header(`${SEVERITY_EMOJI[severity]} ${firstLook ? 'First look · ' : ''}ZDX alert · ${alert.ruleName}`),
    {
      type: 'section',
      text: md(
        [
          firstLook ? `${VERDICT_EMOJI[summary.verdict]} *First look: ${verdict}* _(from ZDX's history; deep traces running)_` : `${VERDICT_EMOJI[summary.verdict]} *Verdict: ${verdict}*`,
          mrkdwn(summary.text, 1200),
          firstLook ? mrkdwn(report.pending ?? '', 600) : `Diagnosed ${formatCount(summary.diagnosed)} of ${plural(total, 'device')}.`,
        ].join('\n'),
      ),
      fields,
    },
    { type: 'divider' },
  ];

  const ordered = orderDevices(report.devices);
  const diagnosed = ordered.filter((d) => d.status === 'diagnosed' || d.status === 'first_look');
  const notDiagnosed = ordered.filter((d) => d.status !== 'diagnosed' && d.status !== 'first_look');
  const limit = options.maxListItems ?? 10;
  const items: ListItem[] = diagnosed.slice(0, limit).map((device) => ({ block: section(deviceText(device)), entries: 1 }));
  if (notDiagnosed.length > 0) {
    // One block for every device that was not diagnosed, grouped by reason, so a capped
    // fan-out of hundreds of devices still reads as one line per reason.
    items.push({ block: section(notDiagnosedText(notDiagnosed)), entries: notDiagnosed.length });
  }

  const tail = footer(
    [alertUrl ? mrkdwnLink(alertUrl, 'Open the alert in ZDX') : undefined, executionLink(report.links.execution)],
    [options.environment ? `zsa · ${mrkdwn(options.environment, 40)}` : 'zsa', timeText('finished', report.completedAt)],
  );
  const blocks = assemble(head, items, tail, (shown) => {
    const rest = total - shown;
    if (rest <= 0) return undefined;
    const link = alertUrl ? ` ${mrkdwnLink(alertUrl, 'Open the alert in ZDX')}` : '';
    return section(`…and ${plural(rest, 'more device')}.${link}`);
  });

  const text = `${SEVERITY_EMOJI[severity]} ${firstLook ? 'First look: ' : ''}ZDX alert ${mrkdwn(alert.ruleName, MAX_NAME)} (${mrkdwn(alert.severity, 40)}): verdict ${verdict}; diagnosed ${formatCount(summary.diagnosed)} of ${plural(total, 'device')}. ${mrkdwn(summary.text, 1000)}`;
  return { text: truncate(text, SLACK_LIMITS.maxFallbackText), blocks };
}

function renderFailure(report: FailureReport, options: SlackRenderOptions): SlackMessage {
  const pipeline = report.pipeline === 'scan' ? 'Compliance scan' : 'Alert diagnostics';
  const lines = [mrkdwn(report.message, 1500)];
  if (report.error) {
    const error = mrkdwn(`${report.error.name}: ${report.error.message}`, 1200, { multiline: true });
    lines.push(error.split('\n').slice(0, 8).map((line) => `> ${line}`).join('\n'));
  }
  const fields = [field('Pipeline', pipeline), field('Reason', mrkdwnCode(report.reason, 80))];
  if (report.awsAccountId) fields.push(field('AWS account', `${mrkdwn(report.awsAccountId, MAX_NAME)}${report.region ? ` · ${mrkdwn(report.region, 40)}` : ''}`));
  if (report.zcspmAccountId) fields.push(field('ZCSPM account', mrkdwnCode(report.zcspmAccountId, MAX_NAME)));
  if (report.jobId) fields.push(field('Scan job', mrkdwnCode(report.jobId, MAX_NAME)));
  if (report.alertId) fields.push(field('Alert', mrkdwnCode(report.alertId, MAX_NAME)));

  const head: SlackBlock[] = [header(`⛔ ${pipeline} failed · ${report.reason}`), { type: 'section', text: md(lines.join('\n')), fields }];
  if (report.deployments.length > 0) head.push(section(deploymentsText(report.deployments)));
  const links = [executionLink(report.links.execution)];
  const zcspm = safeUrl(report.links.zcspm, MAX_LINK_URL);
  const zdx = safeUrl(report.links.zdx, MAX_LINK_URL);
  if (zcspm) links.push(mrkdwnLink(zcspm, 'ZCSPM'));
  if (zdx) links.push(mrkdwnLink(zdx, 'ZDX alert'));
  const tail = footer(links, [options.environment ? `zsa · ${mrkdwn(options.environment, 40)}` : 'zsa', timeText('at', report.occurredAt)]);
  const blocks = assemble(head, [], tail, () => undefined);

  const where = [report.awsAccountId, report.region, report.alertId ? `alert ${report.alertId}` : undefined].filter(Boolean).join(', ');
  const text = `⛔ ${pipeline} failed (${mrkdwn(report.reason, 80)})${where ? ` for ${mrkdwn(where, 200)}` : ''}: ${mrkdwn(report.message, 1500)}`;
  return { text: truncate(text, SLACK_LIMITS.maxFallbackText), blocks };
}

interface ListItem {
  readonly block: SlackBlock;
  /** How many report entries (failures, devices) the block shows. */
  readonly entries: number;
}

/**
 * Puts `head`, as many `items` as fit, an optional "and N more" block and `tail` together
 * within the block-count and total-size limits. Head and tail are bounded by construction
 * (every text in them is cut), so only list items are ever dropped.
 */
function assemble(
  head: readonly SlackBlock[],
  items: readonly ListItem[],
  tail: readonly SlackBlock[],
  more: (shownEntries: number) => SlackBlock | undefined,
): SlackBlock[] {
  const fits = (blocks: readonly SlackBlock[]) => blocks.length <= SLACK_LIMITS.maxBlocks && slackBlocksSize(blocks) <= SLACK_LIMITS.maxBlocksJsonChars;
  const compose = (count: number) => {
    const chosen = items.slice(0, count);
    const shown = chosen.reduce((sum, item) => sum + item.entries, 0);
    const note = more(shown);
    return [...head, ...chosen.map((item) => item.block), ...(note ? [note] : []), ...tail];
  };
  let count = items.length;
  // Drop from the end until it fits; a trailing section heading with no entries goes too.
  while (count > 0 && (!fits(compose(count)) || items[count - 1]!.entries === 0)) count -= 1;
  const blocks = compose(count);
  return fits(blocks) ? blocks : compose(0);
}

function footer(links: ReadonlyArray<string | undefined>, context: ReadonlyArray<string | undefined>): SlackBlock[] {
  const blocks: SlackBlock[] = [{ type: 'divider' }];
  const present = links.filter((link): link is string => Boolean(link));
  if (present.length > 0) blocks.push(section(`🔗 ${present.join('  ·  ')}`));
  const elements = context.filter((part): part is string => Boolean(part)).slice(0, SLACK_LIMITS.maxContextElements);
  blocks.push({ type: 'context', elements: [md(elements.join('  ·  '))] });
  return blocks;
}

function executionLink(url: string | undefined): string | undefined {
  const safe = safeUrl(url, MAX_LINK_URL);
  return safe ? mrkdwnLink(safe, 'Step Functions execution') : undefined;
}

function deploymentsText(deployments: ScanReport['deployments']): string {
  const shown = deployments.slice(0, 8);
  const lines = shown.map((d) => {
    const kind = d.stackSetArn ? ' (StackSet instance)' : '';
    return `• ${mrkdwnCode(d.stackName, 100)}${kind} ${mrkdwn(d.status, 40)} · ${mrkdwn(d.awsAccountId, 20)} · ${mrkdwn(d.region, 30)}`;
  });
  if (deployments.length > shown.length) lines.push(`…and ${plural(deployments.length - shown.length, 'more stack')}`);
  return `*Stacks deployed* (${formatCount(deployments.length)})\n${lines.join('\n')}`;
}

function failureText(asset: FailedAsset): string {
  const severity = normalizeSeverity(asset.severity);
  const where = [
    mrkdwnCode(asset.resourceName || asset.resourceId, 150),
    mrkdwn(asset.resourceType, 80),
    asset.region ? mrkdwn(asset.region, 30) : undefined,
    asset.stackName ? `stack ${mrkdwnCode(asset.stackName, 100)}` : undefined,
  ].filter(Boolean);
  return `${SEVERITY_EMOJI[severity]} *${mrkdwn(asset.severity, 20)}* · ${mrkdwn(asset.shortTitle, 250)}\n${where.join(' · ')}`;
}

function deviceText(device: DeviceResult): string {
  const name = mrkdwn(device.deviceName ?? device.deviceId, 100);
  const user = device.userName ? ` · ${mrkdwn(device.userName, 100)}` : '';
  const diagnosis = device.diagnosis;
  const look = device.firstLook;
  if (!diagnosis && look) {
    const evidence = look.evidence.slice(0, 3).map((finding) => `• ${mrkdwn(finding, 200)}`);
    return [`${VERDICT_EMOJI[look.verdict]} *${name}*${user} — first look: ${VERDICT_LABEL[look.verdict]}`, mrkdwn(look.headline, 300), ...evidence].join('\n');
  }
  if (!diagnosis) return `*${name}*${user}\n${mrkdwn(device.reason ?? DEVICE_OUTCOME_LABEL[device.status], 300)}`;
  const findings = diagnosis.findings.slice(0, 3).map((finding) => `• ${mrkdwn(finding, 200)}`);
  if (diagnosis.findings.length > 3) findings.push(`• …and ${plural(diagnosis.findings.length - 3, 'more finding')}`);
  const confirmation = device.confirmation ? [`_${mrkdwn(device.confirmation.text, 300)}_`] : [];
  return [`${VERDICT_EMOJI[diagnosis.verdict]} *${name}*${user} — ${VERDICT_LABEL[diagnosis.verdict]}`, mrkdwn(diagnosis.headline, 300), ...confirmation, ...findings].join('\n');
}

function notDiagnosedText(devices: readonly DeviceResult[]): string {
  const counts = new Map<string, number>();
  for (const device of devices) counts.set(device.status, (counts.get(device.status) ?? 0) + 1);
  const reasons = [...counts.entries()].map(([status, count]) => `${formatCount(count)} ${DEVICE_OUTCOME_LABEL[status as DeviceResult['status']]}`);
  const named = devices.slice(0, 5).map((d) => {
    const look = d.firstLook ? ` (first look: ${VERDICT_LABEL[d.firstLook.verdict]}, ${mrkdwn(d.firstLook.headline, 160)})` : '';
    const reason = `${d.reason ? `: ${mrkdwn(d.reason, 120)}` : ''}${look}`;
    return `• ${mrkdwn(d.deviceName ?? d.deviceId, 80)} — ${DEVICE_OUTCOME_LABEL[d.status]}${reason}`;
  });
  if (devices.length > named.length) named.push(`• …and ${formatCount(devices.length - named.length)} more`);
  return `*Not diagnosed* (${formatCount(devices.length)}): ${reasons.join(', ')}\n${named.join('\n')}`;
}

function timeText(label: string, value: string | number): string | undefined {
  const seconds = toEpochSeconds(value);
  const fallback = formatUtc(value);
  if (seconds === undefined || fallback === undefined) return undefined;
  // Slack shows <!date^...> in the reader's own time zone; the fallback is UTC.
  const date = `<!date^${seconds}^{date_short_pretty} {time}|${fallback}>`;
  return label ? `${label} ${date}` : date;
}

function header(text: string): SlackBlock {
  return { type: 'header', text: { type: 'plain_text', text: plainText(text, SLACK_LIMITS.maxHeaderText), emoji: true } };
}

function section(text: string): SlackBlock {
  return { type: 'section', text: md(text) };
}

function md(text: string): SlackTextObject {
  return { type: 'mrkdwn', text: truncateSafe(text, SLACK_LIMITS.maxSectionText) };
}

function field(label: string, value: string): SlackTextObject {
  return { type: 'mrkdwn', text: truncateSafe(`*${label}*\n${value}`, SLACK_LIMITS.maxFieldText) };
}

// Texts here are already escaped; this last cut only guards the limit and must not leave a
// dangling `&am` or `<url|` behind, so it backs off to the last line break when it cuts.
function truncateSafe(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = truncate(text, max - 1).slice(0, -ELLIPSIS.length);
  const lastBreak = cut.lastIndexOf('\n');
  return `${lastBreak > 0 ? cut.slice(0, lastBreak) : cut.replace(/[&<][^;>]*$/, '')}${ELLIPSIS}`;
}
