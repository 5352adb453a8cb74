import { redact } from '../observability/redaction.js';

/**
 * The readable part of a Step Functions error `Cause`: a Lambda error puts JSON with `errorMessage`
 * there, `States.*` errors and `StopExecution` plain text. Whitespace is collapsed and secrets are
 * redacted before the text is shortened to `maxChars` (so a cut never leaves half a secret that no
 * pattern recognizes).
 */
export function causeMessage(cause: string | null | undefined, maxChars = 300): string | undefined {
  if (!cause) return undefined;
  let text = cause;
  try {
    const parsed: unknown = JSON.parse(cause);
    if (parsed && typeof parsed === 'object' && typeof (parsed as { errorMessage?: unknown }).errorMessage === 'string') {
      text = (parsed as { errorMessage: string }).errorMessage;
    }
  } catch {
    // Plain text: keep it as it is.
  }
  const clean = redact(text.replace(/\s+/g, ' ').trim());
  return clean.length > maxChars ? `${clean.slice(0, maxChars)}…` : clean;
}
