/**
 * The project's Powertools Logger factory and correlation ids.
 *
 * Every logger made here serializes through {@link redactingReplacer}, so registered secret values
 * and values under secret-bearing keys never reach a log line, whatever a caller passes.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../ports.js';
import { redactingReplacer } from './redaction.js';

export type LogLevelName = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' | 'CRITICAL' | 'TRACE';

export interface CreateLoggerOptions {
  /** Service name on every line; Powertools falls back to POWERTOOLS_SERVICE_NAME. */
  readonly serviceName?: string;
  /** Defaults to POWERTOOLS_LOG_LEVEL / LOG_LEVEL, else INFO. */
  readonly logLevel?: LogLevelName;
  /** Keys added to every line (e.g. the pipeline name). Never secrets. */
  readonly persistentKeys?: Record<string, string | number | boolean>;
}

/** Creates a Powertools Logger whose every line is redacted. Create one per container, at module scope. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  return new Logger({
    ...(options.serviceName ? { serviceName: options.serviceName } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(options.persistentKeys ? { persistentKeys: options.persistentKeys } : {}),
    jsonReplacerFn: redactingReplacer,
  });
}

/** The correlation ids the pipelines carry; each appears on every log line once set. */
export interface CorrelationIds {
  /** EventBridge event id or webhook delivery id. */
  readonly eventId?: string | undefined;
  /** Step Functions execution name. */
  readonly executionName?: string | undefined;
  readonly alertId?: string | undefined;
  /** ZCSPM scan job id. */
  readonly jobId?: string | undefined;
  /** ZDX deep trace id. */
  readonly traceId?: string | undefined;
  readonly accountId?: string | undefined;
}

const CORRELATION_KEYS: ReadonlyArray<keyof CorrelationIds> = ['eventId', 'executionName', 'alertId', 'jobId', 'traceId', 'accountId'];

/**
 * Picks the correlation ids present in an event or state-machine input: known top-level keys, plus
 * EventBridge's `id` as `eventId`. Non-string values are stringified only when they are numbers.
 */
export function extractCorrelationIds(input: unknown): CorrelationIds {
  if (typeof input !== 'object' || input === null) return {};
  const record = input as Record<string, unknown>;
  const ids: Record<string, string> = {};
  for (const key of CORRELATION_KEYS) {
    const value = record[key];
    if (typeof value === 'string' && value.length > 0) ids[key] = value;
    else if (typeof value === 'number') ids[key] = String(value);
  }
  if (ids.eventId === undefined && typeof record.id === 'string' && typeof record['detail-type'] === 'string') {
    ids.eventId = record.id;
  }
  return ids;
}

/** Adds the defined correlation ids to every following line of `logger` (for this invocation). */
export function setCorrelationIds(logger: Logger, ids: CorrelationIds): void {
  const keys: Record<string, string> = {};
  for (const key of CORRELATION_KEYS) {
    const value = ids[key];
    if (value !== undefined) keys[key] = value;
  }
  if (Object.keys(keys).length > 0) logger.appendKeys(keys);
}

/** Adapts a Powertools Logger to the small {@link Log} port used by use cases and clients. */
export function asLog(logger: Logger): Log {
  return {
    debug: (message, extra) => (extra ? logger.debug(message, extra) : logger.debug(message)),
    info: (message, extra) => (extra ? logger.info(message, extra) : logger.info(message)),
    warn: (message, extra) => (extra ? logger.warn(message, extra) : logger.warn(message)),
    error: (message, extra) => (extra ? logger.error(message, extra) : logger.error(message)),
  };
}
