/**
 * Short, human reasons for failed API calls: the status and the server's own message, without the
 * endpoint noise of the full error text. Secrets never reach here unredacted (the HTTP client
 * scrubs them) and the output is redacted again on its way out.
 */
import { ApiError, ConnectionError, ZscalerError } from '../../lambdas/core/errors.js';

/** The message inside an error body excerpt (`message`, `error_description`, `error`), or the excerpt. */
export function serverMessage(excerpt: string | undefined): string | undefined {
  if (!excerpt) return undefined;
  try {
    const body = JSON.parse(excerpt) as Record<string, unknown>;
    for (const key of ['message', 'Message', 'error_description', 'detail', 'error']) {
      const value = body[key];
      if (typeof value === 'string' && value.trim() !== '') return clip(value);
      if (typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string') {
        return clip((value as { message: string }).message);
      }
    }
  } catch {
    // Not JSON (or cut off): show the text itself.
  }
  return clip(excerpt);
}

/** One line saying why a call failed; `host` names the server when the error itself does not. */
export function reason(error: unknown, host?: string): string {
  if (error instanceof ApiError) {
    const message = serverMessage(error.bodyExcerpt);
    return `HTTP ${error.status}${message ? `: ${message}` : ''}`;
  }
  if (error instanceof ConnectionError) return unreachable(error, host);
  if (error instanceof ZscalerError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Connection failures by their system code, in words a person can act on. */
const CONNECTION_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (DNS lookup failed)',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
};

/** `nothing answers at 127.0.0.1:8090 (connection refused): check the base URL and that the service runs`. */
export function unreachable(error: ConnectionError, host?: string): string {
  // Node's system errors read "connect ECONNREFUSED 127.0.0.1:8090" or "getaddrinfo ENOTFOUND api.example.net".
  const [, code, address] = /\b(E[A-Z_]{4,})(?:\s+(\S+))?/.exec(error.message) ?? [];
  const why = code ? (CONNECTION_CODES[code] ?? code) : 'no connection';
  return `nothing answers at ${address ?? host ?? error.endpoint} (${why}): check the base URL and that the service (or the simulator) is running`;
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}
