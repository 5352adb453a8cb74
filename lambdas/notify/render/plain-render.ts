/**
 * Renders a result as plain text that reads well in an email or a terminal (SNS message
 * bodies, the log notifier, the sandbox). Pure and deterministic. User-controlled strings are
 * cleaned of control characters and line breaks and cut, so the layout cannot be forged and the
 * text stays bounded (about 100 KB at most, whatever the report's size).
 */
import { VERDICT_LABEL, type DeviceResult, type DiagnosticsReport, type FailedAsset, type FailureReport, type PipelineResult, type ScanReport } from '../results.js';
import {
  distinctAccountName,
  DEVICE_OUTCOME_LABEL,
  filledCells,
  formatCount,
  formatDuration,
  formatPercent,
  formatPointChange,
  formatUtc,
  orderDevices,
  orderFailures,
  plural,
  scanHeadline,
} from './result-facts.js';
import { cleanText, safeUrl, truncate } from './text.js';

export interface PlainRenderOptions {
  /** Most failures or devices listed before "and N more". Default 25 failures, 50 devices. */
  readonly maxListItems?: number;
}

/** The plain-text body for a result; see the module comment. */
export function renderPlainText(result: PipelineResult, options: PlainRenderOptions = {}): string {
  if (result.kind === 'scan') return renderScan(result, options.maxListItems ?? 25);
  if (result.kind === 'diagnostics') return renderDiagnostics(result, options.maxListItems ?? 50);
  return renderFailure(result);
}

/** One line (no user text cut below 60 characters) summarising a result, for subjects and logs. */
export function summaryLine(result: PipelineResult): string {
  if (result.kind === 'scan') {
    const named = distinctAccountName(result);
    const where = named ? `${one(named, 80)} (${one(result.awsAccountId, 20)}, ${one(result.region, 30)})` : `${one(result.zcspmAccountName ?? result.awsAccountId, 80)} (${one(result.region, 30)})`;
    return `Compliance scan of ${where}: ${scanHeadline(result)} ${formatPercent(result.posture.compliancePercent)} compliant.`;
  }
  if (result.kind === 'diagnostics') {
    const phase = result.phase === 'first-look' ? 'First look: ' : '';
    return `${phase}ZDX alert ${one(result.alert.ruleName, 120)} (${one(result.alert.severity, 20)}): verdict ${VERDICT_LABEL[result.summary.verdict]}, diagnosed ${formatCount(result.summary.diagnosed)} of ${plural(result.devices.length, 'device')}.`;
  }
  return `${result.pipeline === 'scan' ? 'Compliance scan' : 'Alert diagnostics'} failed (${one(result.reason, 60)}): ${one(result.message, 300)}`;
}

function renderScan(report: ScanReport, maxItems: number): string {
  const posture = report.posture;
  const cells = filledCells(posture.compliancePercent);
  const change = formatPointChange(report.delta.compliancePercentChange);
  const named = distinctAccountName(report);
  const lines = [
    named
      ? `Compliance scan of ${one(named, 120)} (AWS ${one(report.awsAccountId, 20)}, ${one(report.region, 30)})`
      : `Compliance scan of ${one(report.zcspmAccountName ?? `AWS ${report.awsAccountId}`, 120)} (${one(report.region, 30)})`,
    scanHeadline(report),
    '',
    row('Posture', `[${'#'.repeat(cells)}${'.'.repeat(10 - cells)}] ${formatPercent(posture.compliancePercent)} compliant${change ? ` (${change} since the last scan)` : ''}`),
    row('Policies', `red ${formatCount(posture.red)}, amber ${formatCount(posture.amber)}, green ${formatCount(posture.green)}, gray ${formatCount(posture.gray)}`),
  ];
  for (const benchmark of report.benchmarks.slice(1, 5)) {
    lines.push(row(one(benchmark.benchmarkName ?? benchmark.benchmarkId, 40), `${formatPercent(benchmark.posture.compliancePercent)} compliant`));
  }
  lines.push(
    row('Failing assets', `${formatCount(report.failedAssetCount)} (${formatCount(report.deploymentFailureCount)} in the deployed stacks)`),
    row('New / fixed', `${formatCount(report.delta.newFailureCount)} new, ${formatCount(report.delta.fixedCount)} fixed since the last scan`),
    row('ZCSPM account', report.zcspmAccountName ? `${one(report.zcspmAccountName, 120)} (${one(report.zcspmAccountId, 80)})` : one(report.zcspmAccountId, 80)),
    row('Scan job', `${one(report.jobId, 80)} (${one(report.jobStatus, 30)}), ${formatDuration(report.durationSeconds)}, finished ${formatUtc(report.completedAt) ?? one(report.completedAt, 40)}`),
  );
  if (report.deployments.length > 0) lines.push('', ...deploymentLines(report.deployments));

  const ordered = orderFailures(report.topFailures);
  const own = ordered.filter((a) => a.fromDeployment).slice(0, maxItems);
  const others = ordered.filter((a) => !a.fromDeployment).slice(0, Math.max(0, maxItems - own.length));
  if (own.length > 0) {
    lines.push('', `Failures in the deployed stacks (${formatCount(report.deploymentFailureCount)}):`, ...own.flatMap(failureLines));
  }
  if (others.length > 0) {
    const otherTotal = Math.max(0, report.failedAssetCount - report.deploymentFailureCount);
    lines.push('', `Other failing assets in the account (${formatCount(otherTotal)}):`, ...others.flatMap(failureLines));
  }
  const rest = Math.max(report.failedAssetCount, report.topFailures.length) - own.length - others.length;
  if (rest > 0) lines.push(`  ...and ${plural(rest, 'more failing asset')} (see the ZCSPM report).`);
  lines.push(...linkLines([['ZCSPM report', report.links.zcspm], ['Step Functions execution', report.links.execution]]));
  return lines.join('\n');
}

function renderDiagnostics(report: DiagnosticsReport, maxItems: number): string {
  const { alert, summary } = report;
  const firstLook = report.phase === 'first-look';
  const lines = [
    `ZDX alert: ${one(alert.ruleName, 200)}`,
    ...(firstLook ? ["FIRST LOOK from ZDX's history (the deep traces are still running)."] : []),
    `${firstLook ? 'First-look verdict' : 'Verdict'}: ${VERDICT_LABEL[summary.verdict]}. ${one(summary.text, 1000)}`,
    ...(firstLook && report.pending ? [one(report.pending, 600)] : []),
    '',
    row('Severity', one(alert.severity, 30)),
    row('Status', one(alert.status, 40)),
  ];
  if (alert.applicationName || alert.applicationId) lines.push(row('Application', one(alert.applicationName ?? alert.applicationId ?? '', 120)));
  if (alert.alertType) lines.push(row('Alert type', one(alert.alertType, 40)));
  if (alert.criteriaString) lines.push(row('Criteria', one(alert.criteriaString, 300)));
  const started = formatUtc(alert.startTime);
  if (started) lines.push(row('Started', started));
  lines.push(
    row('Alert id', one(alert.alertId, 60)),
    row('Devices', `${formatCount(summary.diagnosed)} diagnosed, ${formatCount(summary.notDiagnosed)} not diagnosed, ${formatCount(alert.impactedDeviceCount ?? report.devices.length)} impacted`),
  );
  const ordered = orderDevices(report.devices);
  const shown = ordered.slice(0, maxItems);
  if (shown.length > 0) lines.push('', 'Devices:', ...shown.flatMap(deviceLines));
  if (ordered.length > shown.length) lines.push(`  ...and ${plural(ordered.length - shown.length, 'more device')}.`);
  lines.push(...linkLines([['ZDX alert', report.links.zdx], ['Step Functions execution', report.links.execution]]));
  return lines.join('\n');
}

function renderFailure(report: FailureReport): string {
  const lines = [
    `${report.pipeline === 'scan' ? 'Compliance scan' : 'Alert diagnostics'} failed: ${one(report.reason, 80)}`,
    one(report.message, 2000),
    '',
    row('Occurred', formatUtc(report.occurredAt) ?? one(report.occurredAt, 40)),
  ];
  if (report.error) lines.push(row('Error', `${one(report.error.name, 80)}: ${one(report.error.message, 1500)}`));
  if (report.awsAccountId) lines.push(row('AWS account', `${one(report.awsAccountId, 20)}${report.region ? `, ${one(report.region, 30)}` : ''}`));
  if (report.zcspmAccountId) lines.push(row('ZCSPM account', one(report.zcspmAccountId, 80)));
  if (report.jobId) lines.push(row('Scan job', one(report.jobId, 80)));
  if (report.alertId) lines.push(row('Alert id', one(report.alertId, 60)));
  if (report.deployments.length > 0) lines.push('', ...deploymentLines(report.deployments));
  lines.push(
    ...linkLines([
      ['Step Functions execution', report.links.execution],
      ['ZCSPM', report.links.zcspm],
      ['ZDX alert', report.links.zdx],
    ]),
  );
  return lines.join('\n');
}

function deploymentLines(deployments: ScanReport['deployments']): string[] {
  const shown = deployments.slice(0, 20);
  const lines = [`Stacks deployed (${formatCount(deployments.length)}):`];
  for (const d of shown) {
    const kind = d.stackSetArn ? ' (StackSet instance)' : '';
    lines.push(`  - ${one(d.stackName, 128)}${kind}  ${one(d.status, 40)}  ${one(d.awsAccountId, 20)} ${one(d.region, 30)}`);
  }
  if (deployments.length > shown.length) lines.push(`  ...and ${plural(deployments.length - shown.length, 'more stack')}.`);
  return lines;
}

function failureLines(asset: FailedAsset): string[] {
  const where = [asset.resourceType, asset.region, asset.stackName ? `stack ${asset.stackName}` : undefined].filter(Boolean).map((part) => one(part!, 100));
  return [`  - [${one(asset.severity, 20)}] ${one(asset.shortTitle, 250)}`, `      ${one(asset.resourceName || asset.resourceId, 200)} (${where.join(', ')})`];
}

function deviceLines(device: DeviceResult): string[] {
  const name = `${one(device.deviceName ?? device.deviceId, 100)}${device.userName ? ` (${one(device.userName, 100)})` : ''}`;
  const look = device.firstLook;
  if (!device.diagnosis && look) {
    const lead = device.status === 'first_look' ? '' : `not traced (${DEVICE_OUTCOME_LABEL[device.status]}); `;
    return [`  - ${name}: ${lead}first look: ${VERDICT_LABEL[look.verdict]}. ${one(look.headline, 300)}`, ...look.evidence.slice(0, 3).map((finding) => `      * ${one(finding, 300)}`)];
  }
  if (!device.diagnosis) return [`  - ${name}: not diagnosed (${DEVICE_OUTCOME_LABEL[device.status]})${device.reason ? `: ${one(device.reason, 200)}` : ''}`];
  const findings = device.diagnosis.findings.slice(0, 5).map((finding) => `      * ${one(finding, 300)}`);
  if (device.diagnosis.findings.length > 5) findings.push(`      * ...and ${plural(device.diagnosis.findings.length - 5, 'more finding')}`);
  const confirmation = device.confirmation ? [`      (${one(device.confirmation.text, 400)})`] : [];
  return [`  - ${name}: ${VERDICT_LABEL[device.diagnosis.verdict]}. ${one(device.diagnosis.headline, 300)}`, ...confirmation, ...findings];
}

function linkLines(links: ReadonlyArray<readonly [string, string | undefined]>): string[] {
  const present = links.map(([label, url]) => [label, safeUrl(url)] as const).filter(([, url]) => url !== undefined);
  return present.length === 0 ? [] : ['', 'Links:', ...present.map(([label, url]) => `  ${label}: ${url}`)];
}

function row(label: string, value: string): string {
  return `${`${label}: `.padEnd(16)}${value}`;
}

/** User text on one line, cut to `max`. */
function one(value: string, max: number): string {
  return truncate(cleanText(value.length > max * 2 + 1024 ? value.slice(0, max * 2 + 1024) : value), max);
}
