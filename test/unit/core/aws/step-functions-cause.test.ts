import { registerSecret } from '../../../../lambdas/core/observability/redaction.js';
import { causeMessage } from '../../../../lambdas/core/aws/step-functions-cause.js';

describe('causeMessage', () => {
  it('reads errorMessage from a Lambda error cause and keeps plain-text causes, whitespace collapsed', () => {
    const lambdaCause = JSON.stringify({ errorType: 'ServerError', errorMessage: 'ZCSPM answered 503\n  twice', trace: ['at x'] });

    expect(causeMessage(lambdaCause)).toBe('ZCSPM answered 503 twice');
    expect(causeMessage('Execution timed out after  3600 s')).toBe('Execution timed out after 3600 s');
    expect(causeMessage(undefined)).toBeUndefined();
    expect(causeMessage(null)).toBeUndefined();
  });

  it('redacts secrets before shortening, so no cut leaves part of one', () => {
    const secret = 'sk-live-0123456789abcdef0123456789';
    registerSecret(secret);
    const cause = JSON.stringify({ errorMessage: `${'x'.repeat(15)}${secret}${'y'.repeat(40)}` });

    const message = causeMessage(cause, 30) ?? '';

    expect(message).not.toContain(secret.slice(0, 12));
    expect(message.endsWith('…')).toBe(true);
    expect(message.length).toBe(31);
  });
});
