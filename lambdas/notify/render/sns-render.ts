/**
 * Renders a result as an SNS `Publish` input: an ASCII subject for email subscribers, a
 * plain-text body followed by the full structured result as JSON (trimmed with a note when it
 * does not fit), and String message attributes for subscription filter policies. Pure and
 * deterministic; the whole message always stays within {@link SNS_LIMITS}.
 */
import { VERDICT_LABEL, type PipelineResult } from '../results.js';
import { fitResultJson } from './fit-json.js';
import { renderPlainText } from './plain-render.js';
import {
  distinctAccountName,
  eventDetailType,
  formatCount,
  formatPercent,
  plural,
  resultAwsAccount,
  resultOutcome,
  resultSeverity,
} from './result-facts.js';
import { asciiText, cleanText, truncate, truncateUtf8, utf8Length } from './text.js';

export const SNS_LIMITS = {
  /** SNS requires email subjects under 100 characters, ASCII, without line breaks. */
  maxSubjectChars: 99,
  /** 256 KiB for the message including its attributes (the subject is counted too, to be safe). */
  maxTotalBytes: 256 * 1024,
  maxAttributeValueChars: 256,
} as const;

export interface SnsMessageAttribute {
  readonly DataType: 'String';
  readonly StringValue: string;
}

/**
 * Attributes for filter policies. Always: `kind` (scan | diagnostics | failure), `pipeline`
 * (scan | diagnostics), `severity` (info..critical | unknown), `outcome`, `detailType`. When known:
 * `awsAccount`, `zcspmAccount`, `verdict` (diagnostics), `environment`. SNS rejects empty values,
 * so an unknown attribute is left out rather than sent empty.
 */
export type SnsMessageAttributes = Readonly<Record<string, SnsMessageAttribute>>;

export interface SnsMessage {
  readonly Subject: string;
  readonly Message: string;
  readonly MessageAttributes: SnsMessageAttributes;
}

export interface SnsRenderOptions {
  /** Short label of the deployment (e.g. `prod`), in the subject and as an attribute. */
  readonly environment?: string;
}

/** Separates the plain-text body from the JSON copy of the result (the sandbox splits on it). */
export const SNS_JSON_HEADING = '\n\n----- Full result (JSON) -----\n';
const TRIM_NOTE = 'Lists and long texts below were trimmed to fit the SNS size limit; the counts are complete.\n';
const OMITTED_NOTE = 'The structured result is too large for an SNS message; see the EventBridge event or the execution history.';

/** Renders a result for SNS; see the module comment. */
export function renderSns(result: PipelineResult, options: SnsRenderOptions = {}): SnsMessage {
  const Subject = subject(result, options.environment);
  const MessageAttributes = attributes(result, options.environment);
  const budget = SNS_LIMITS.maxTotalBytes - utf8Length(Subject) - snsAttributesSize(MessageAttributes);
  const text = renderPlainText(result);

  const room = budget - utf8Length(text) - utf8Length(SNS_JSON_HEADING);
  // Room for the note is kept even when the whole result fits, so the JSON is serialised once.
  const fitted = fitResultJson(result, room - utf8Length(TRIM_NOTE));
  let Message: string;
  if (fitted && !fitted.truncated) Message = `${text}${SNS_JSON_HEADING}${fitted.json}`;
  else if (fitted) Message = `${text}${SNS_JSON_HEADING}${TRIM_NOTE}${fitted.json}`;
  else Message = `${text}\n\n${OMITTED_NOTE}`;
  return { Subject, Message: truncateUtf8(Message, budget), MessageAttributes };
}

/** Bytes SNS counts for message attributes: name, data type and value of each. */
export function snsAttributesSize(attributes: SnsMessageAttributes): number {
  let size = 0;
  for (const [name, attribute] of Object.entries(attributes)) {
    size += utf8Length(name) + utf8Length(attribute.DataType) + utf8Length(attribute.StringValue);
  }
  return size;
}

/** Bytes of a whole message as SNS limits it (message, subject and attributes). */
export function snsMessageSize(message: SnsMessage): number {
  return utf8Length(message.Message) + utf8Length(message.Subject) + snsAttributesSize(message.MessageAttributes);
}

function subject(result: PipelineResult, environment: string | undefined): string {
  const prefix = environment ? `[zsa ${asciiText(environment, 20)}] ` : '[zsa] ';
  const max = SNS_LIMITS.maxSubjectChars;
  // Fixed parts first; the user-controlled name gets whatever room is left (at least 10).
  const compose = (lead: string, name: string, tail: string) => {
    const room = Math.max(10, max - prefix.length - lead.length - tail.length);
    return asciiText(`${prefix}${lead}${asciiText(name, room)}${tail}`, max);
  };
  if (result.kind === 'scan') {
    const delta = result.delta.newFailureCount > 0 ? `${plural(result.delta.newFailureCount, 'new failure')}` : 'no new failures';
    const named = distinctAccountName(result);
    const name = named ? `${named} (${result.awsAccountId})` : (result.zcspmAccountName ?? result.awsAccountId);
    return compose('Scan ', name, `: ${delta}, ${formatPercent(result.posture.compliancePercent)} compliant`);
  }
  if (result.kind === 'diagnostics') {
    const firstLook = result.phase === 'first-look';
    const tail = firstLook
      ? ` - ${VERDICT_LABEL[result.summary.verdict]}, ${formatCount(result.devices.length)} looked at`
      : ` - ${VERDICT_LABEL[result.summary.verdict]}, ${formatCount(result.summary.diagnosed)}/${formatCount(result.devices.length)} diagnosed`;
    const lead = firstLook ? 'alert, first look: ' : 'alert: ';
    return compose(`ZDX ${asciiText(result.alert.severity, 12)} ${lead}`, result.alert.ruleName, tail);
  }
  const where = result.awsAccountId ?? (result.alertId ? `alert ${result.alertId}` : '');
  return compose(`FAILED ${result.pipeline}: `, result.reason, where ? ` (${asciiText(where, 40)})` : '');
}

function attributes(result: PipelineResult, environment: string | undefined): SnsMessageAttributes {
  const values: Record<string, string | undefined> = {
    kind: result.kind,
    pipeline: result.kind === 'failure' ? result.pipeline : result.kind,
    severity: resultSeverity(result),
    outcome: resultOutcome(result),
    detailType: eventDetailType(result),
    awsAccount: resultAwsAccount(result),
    zcspmAccount: result.kind === 'diagnostics' ? undefined : result.zcspmAccountId,
    verdict: result.kind === 'diagnostics' ? result.summary.verdict : undefined,
    environment,
  };
  const out: Record<string, SnsMessageAttribute> = {};
  for (const [name, raw] of Object.entries(values)) {
    const value = raw === undefined ? '' : truncate(cleanText(raw).trim(), SNS_LIMITS.maxAttributeValueChars);
    if (value) out[name] = { DataType: 'String', StringValue: value };
  }
  return out;
}
