/**
 * AlertIntake: the ZDX webhook request -> an HTTP answer, and for a new STARTED alert an
 * "AlertDiagnostics" execution.
 *
 * Contract: answers within one DynamoDB write and one StartExecution; never throws; a 5xx only when
 * our own storage or Step Functions failed (so ZDX may redeliver), never for anything the caller
 * sent: whatever cannot be accepted is a 4xx and starts nothing. Checks run cheapest and least
 * revealing first: method, credential, content type, size, nesting depth, JSON, fields.
 */
import { toError, InvalidInputError } from '../../core/errors.js';
import type { Log } from '../../core/ports.js';
import { silentLog } from '../../core/ports.js';
import { ENDED_CLAIM_STATE, type AlertLedgerPort } from '../adapters/alert-ledger.js';
import { alertExecutionName } from '../domain/execution-name.js';
import { passesSeverityFilter, type DiagnosticsSettings } from '../settings.js';
import { checkWebhookCredential, type WebhookCredential } from '../domain/webhook-credential.js';
import { isTestWebhook, parseWebhookAlert, STARTED_STATUS, type WebhookAlert } from '../domain/webhook-alert.js';
import type { ExecutionStarter } from '../domain/workflow-input.js';

/** The request as a Function URL or an HTTP API (payload 2.0) delivers it. */
export interface WebhookRequest {
  readonly method: string;
  /** Header names in any case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string | undefined;
  readonly isBase64Encoded: boolean;
}

export interface WebhookResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  /** JSON: `{ message, ... }` on success, `{ error, message }` on rejection. */
  readonly body: string;
}

export interface AlertIntakeDeps {
  /** The configured credential (cached by the caller; may throw when Secrets Manager fails). */
  readonly credential: () => Promise<WebhookCredential>;
  readonly ledger: AlertLedgerPort;
  readonly executions: ExecutionStarter;
  readonly settings: Pick<DiagnosticsSettings, 'minSeverity' | 'webhookMaxBodyBytes'>;
  readonly log?: Log;
}

/** What happened to one delivery, for logs, metrics and the sandbox. */
export type IntakeOutcome =
  | 'started'
  | 'already-started'
  | 'recorded'
  | 'duplicate'
  | 'ended'
  | 'test'
  | 'filtered'
  | 'rejected'
  | 'unavailable';

export interface IntakeResult {
  readonly response: WebhookResponse;
  readonly outcome: IntakeOutcome;
  readonly alertId?: string;
  readonly executionName?: string;
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' } as const;

function reply(statusCode: number, body: Record<string, unknown>, extraHeaders: Record<string, string> = {}): WebhookResponse {
  return { statusCode, headers: { ...JSON_HEADERS, ...extraHeaders }, body: JSON.stringify(body) };
}

function reject(statusCode: number, error: string, message: string, extraHeaders: Record<string, string> = {}): IntakeResult {
  return { response: reply(statusCode, { error, message }, extraHeaders), outcome: 'rejected' };
}

function header(headers: WebhookRequest['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

/** `application/json` or `application/<x>+json`, with optional parameters (charset). */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const mediaType = value.split(';')[0]!.trim().toLowerCase();
  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}

/**
 * Nesting depth allowed in a webhook body. The documented body is 4 deep (`criteria.conditions[].stats`);
 * a body nested far deeper is not an alert, and refusing it before `JSON.parse` keeps a hostile one
 * from ever becoming an object that something later walks recursively.
 */
export const MAX_BODY_DEPTH = 32;

/** True when the JSON text opens more than `max` objects or arrays inside each other (strings skipped). */
function nestsDeeperThan(json: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i += 1) {
    const char = json.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i += 1; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b || char === 0x5b) {
      depth += 1;
      if (depth > max) return true;
    } else if (char === 0x7d || char === 0x5d) {
      depth -= 1;
    }
  }
  return false;
}

/** Handles one webhook delivery. Never throws. */
export async function handleAlertWebhook(request: WebhookRequest, deps: AlertIntakeDeps): Promise<IntakeResult> {
  const log = deps.log ?? silentLog;
  try {
    return await intake(request, deps, log);
  } catch (error) {
    const failure = toError(error);
    log.error('webhook intake failed', { error: { name: failure.name, message: failure.message } });
    return {
      response: reply(503, { error: 'ServiceUnavailable', message: 'the alert could not be accepted right now; please retry' }, { 'retry-after': '30' }),
      outcome: 'unavailable',
    };
  }
}

/**
 * The checks that come before the body is read: the method (405) and the credential (401). The
 * rejection, or undefined when the request may go on. The local sandbox server runs it too, so an
 * unauthenticated request is refused there as early as here.
 */
export async function checkAccess(
  request: Pick<WebhookRequest, 'method' | 'headers'>,
  credential: () => WebhookCredential | Promise<WebhookCredential>,
): Promise<IntakeResult | undefined> {
  if (request.method.toUpperCase() !== 'POST') {
    return reject(405, 'MethodNotAllowed', `method ${request.method.slice(0, 16)} is not allowed; send the alert with POST`, { allow: 'POST' });
  }
  const check = checkWebhookCredential(header(request.headers, 'authorization'), await credential());
  if (!check.ok) {
    return reject(401, 'Unauthorized', check.reason, { 'www-authenticate': 'Bearer realm="zsa-alerts", Basic realm="zsa-alerts"' });
  }
  return undefined;
}

async function intake(request: WebhookRequest, deps: AlertIntakeDeps, log: Log): Promise<IntakeResult> {
  const refused = await checkAccess(request, deps.credential);
  if (refused) return refused;
  const contentType = header(request.headers, 'content-type');
  if (!isJsonContentType(contentType)) {
    return reject(415, 'UnsupportedMediaType', `content-type must be application/json, got ${contentType === undefined ? 'none' : JSON.stringify(contentType.slice(0, 64))}`);
  }
  const raw = request.body ?? '';
  const size = request.isBase64Encoded ? Math.floor((raw.length * 3) / 4) : Buffer.byteLength(raw, 'utf8');
  if (size > deps.settings.webhookMaxBodyBytes) {
    return reject(413, 'PayloadTooLarge', `body is ${size} bytes; the limit is ${deps.settings.webhookMaxBodyBytes}`);
  }
  const text = request.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (text.trim() === '') return reject(400, 'BadRequest', 'body is empty; expected a ZDX alert as JSON');
  if (nestsDeeperThan(text, MAX_BODY_DEPTH)) {
    return reject(400, 'BadRequest', `body nests objects or arrays more than ${MAX_BODY_DEPTH} levels deep; a ZDX alert is at most a few levels deep`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return reject(400, 'BadRequest', `body is not valid JSON: ${toError(error).message.slice(0, 200)}`);
  }

  if (isTestWebhook(body)) {
    log.info('test webhook received');
    return { response: reply(200, { message: 'test webhook received; nothing started' }), outcome: 'test' };
  }
  let alert: WebhookAlert;
  let warnings: readonly string[];
  try {
    ({ alert, warnings } = parseWebhookAlert(body));
  } catch (error) {
    if (error instanceof InvalidInputError) return reject(400, 'BadRequest', error.message);
    throw error;
  }
  if (warnings.length > 0) log.warn('webhook fields ignored', { alertId: alert.alertId, warnings });

  if (!passesSeverityFilter(alert.severity, deps.settings.minSeverity)) {
    return {
      response: reply(200, { message: `severity ${alert.severity} is below the configured minimum ${deps.settings.minSeverity}; nothing started`, alertId: alert.alertId }),
      outcome: 'filtered',
      alertId: alert.alertId,
    };
  }
  if (alert.status !== STARTED_STATUS) return recordEnded(alert, deps, log);
  return startDiagnostics(alert, warnings, deps, log);
}

async function recordEnded(alert: WebhookAlert, deps: AlertIntakeDeps, log: Log): Promise<IntakeResult> {
  const details: { ruleName?: string; endTime?: number } = {};
  if (alert.ruleName !== undefined) details.ruleName = alert.ruleName;
  if (alert.endTime !== undefined) details.endTime = alert.endTime;
  const first = await deps.ledger.recordStatus(alert.alertId, alert.status, details);
  log.info('alert status recorded', { alertId: alert.alertId, status: alert.status, first });
  const message = first
    ? `alert ${alert.alertId} status ${alert.status} recorded; deep traces already running are left to finish`
    : `alert ${alert.alertId} status ${alert.status} was already recorded`;
  return { response: reply(200, { message, alertId: alert.alertId }), outcome: first ? 'recorded' : 'duplicate', alertId: alert.alertId };
}

async function startDiagnostics(alert: WebhookAlert, warnings: readonly string[], deps: AlertIntakeDeps, log: Log): Promise<IntakeResult> {
  const name = alertExecutionName(alert.alertId);
  const claimDetails: { executionName: string; ruleName?: string; severity?: string } = { executionName: name };
  if (alert.ruleName !== undefined) claimDetails.ruleName = alert.ruleName;
  if (alert.severity !== undefined) claimDetails.severity = alert.severity;
  const claim = await deps.ledger.claimStart(alert.alertId, claimDetails);
  if (!claim.claimed && claim.state === ENDED_CLAIM_STATE) {
    // Deliveries can arrive out of order; deep traces on an alert that is over would diagnose nothing.
    log.info('start of an alert that has already ended', { alertId: alert.alertId });
    return {
      response: reply(200, { message: `alert ${alert.alertId} has already ended; nothing started`, alertId: alert.alertId }),
      outcome: 'ended',
      alertId: alert.alertId,
    };
  }
  if (!claim.claimed) {
    log.info('duplicate alert delivery', { alertId: alert.alertId, state: claim.state });
    return {
      response: reply(200, { message: `alert ${alert.alertId} was already received; nothing new started`, alertId: alert.alertId, executionName: name }),
      outcome: 'duplicate',
      alertId: alert.alertId,
      executionName: name,
    };
  }
  let started: { executionArn: string; alreadyStarted: boolean };
  try {
    started = await deps.executions.start(name, { source: 'webhook', alert });
  } catch (error) {
    await deps.ledger.abandonClaim(alert.alertId).catch((cleanup: unknown) =>
      log.warn('could not drop the pending claim; a redelivery will take it over', { alertId: alert.alertId, error: toError(cleanup).message }),
    );
    throw error;
  }
  await deps.ledger.markStarted(alert.alertId, started.executionArn).catch((error: unknown) =>
    log.warn('could not mark the claim started', { alertId: alert.alertId, error: toError(error).message }),
  );
  log.info('diagnostics started', { alertId: alert.alertId, executionName: name, alreadyStarted: started.alreadyStarted });
  const body: Record<string, unknown> = { message: `diagnostics of alert ${alert.alertId} started`, alertId: alert.alertId, executionName: name };
  if (warnings.length > 0) body.warnings = warnings;
  return {
    response: reply(202, body),
    outcome: started.alreadyStarted ? 'already-started' : 'started',
    alertId: alert.alertId,
    executionName: name,
  };
}
