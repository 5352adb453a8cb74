/**
 * Step Functions execution names derived from what triggered them.
 *
 * A Standard state machine refuses a second execution with the same name for 90 days (and accepts
 * an identical StartExecution while the first still runs), so a name derived from the alert id makes
 * a duplicate start harmless. Names keep to `[A-Za-z0-9_-]` (the set CloudWatch and X-Ray handle
 * without escaping) and to 80 characters; when sanitising changed or shortened the id, a hash of
 * the original is appended so two different ids can never collide.
 */
import { createHash } from 'node:crypto';

const MAX_NAME_LENGTH = 80;
const HASH_LENGTH = 12;

function shortHash(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, HASH_LENGTH);
}

/** Builds `<prefix>-<part>-<part>...` within the allowed characters and length. */
export function executionName(prefix: string, ...parts: readonly string[]): string {
  const original = [prefix, ...parts].join('-');
  const sanitized = original.replace(/[^A-Za-z0-9_-]/g, '_');
  if (sanitized === original && sanitized.length <= MAX_NAME_LENGTH) return sanitized;
  const suffix = `-${shortHash(original)}`;
  return `${sanitized.slice(0, MAX_NAME_LENGTH - suffix.length)}${suffix}`;
}

/** The execution name for an alert: `alert-<alertId>`, idempotent per alert. */
export function alertExecutionName(alertId: string): string {
  return executionName('alert', alertId);
}

/** True when `name` is a valid execution name under the rules above. */
export function isValidExecutionName(name: string): boolean {
  return /^[A-Za-z0-9_-]{1,80}$/.test(name);
}
