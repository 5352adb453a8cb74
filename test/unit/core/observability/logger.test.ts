import { asLog, createLogger, extractCorrelationIds, setCorrelationIds } from '../../../../lambdas/core/observability/logger.js';
import { clearRegisteredSecrets, registerSecret } from '../../../../lambdas/core/observability/redaction.js';
import { captureOutput } from './capture-output.js';

const SECRET = 'registered-zdx-key-secret';

describe('createLogger', () => {
  beforeEach(() => {
    clearRegisteredSecrets();
    registerSecret(SECRET);
  });

  it('never writes a registered secret or a secret-keyed value, whatever the call site passes', () => {
    const logger = createLogger({ serviceName: 'test', logLevel: 'DEBUG' });
    const output = captureOutput();

    try {
      logger.info(`message with ${SECRET}`, {
        authorization: 'Bearer abcdefgh.ijklmnop.qrstuvwx',
        request: { headers: { 'Ocp-Apim-Subscription-Key': 'sub-key-value-1' }, body: { key_secret: 'hashed-value-1' } },
        webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXX',
        note: `inline ${SECRET} in extra`,
      });
      logger.error('call failed', new Error(`upstream said ${SECRET}`));
      asLog(logger).warn('through the port', { token: 'plain-token-value-1' });
    } finally {
      output.restore();
    }

    const text = output.text();
    expect(output.lines()).toHaveLength(3);
    for (const leaked of [SECRET, 'abcdefgh.ijklmnop', 'sub-key-value-1', 'hashed-value-1', 'hooks.slack.com', 'plain-token-value-1']) {
      expect(text).not.toContain(leaked);
    }
    expect(output.lines()[0]).toMatchObject({ message: 'message with [REDACTED]', authorization: '[REDACTED]', note: 'inline [REDACTED] in extra' });
  });
});

describe('extractCorrelationIds', () => {
  it('picks known ids and the EventBridge event id, ignoring other fields', () => {
    const ids = [
      extractCorrelationIds({ id: 'evt-1', 'detail-type': 'CloudFormation Stack Status Change', detail: {} }),
      extractCorrelationIds({ executionName: 'exec-1', alertId: 7, jobId: 'job-1', other: 'x' }),
      extractCorrelationIds('not an object'),
    ];

    expect(ids).toEqual([{ eventId: 'evt-1' }, { executionName: 'exec-1', alertId: '7', jobId: 'job-1' }, {}]);
  });
});

describe('setCorrelationIds', () => {
  it('adds the defined ids to every following line', () => {
    const logger = createLogger({ serviceName: 'test' });
    const output = captureOutput();

    try {
      setCorrelationIds(logger, { alertId: 'alert-1', traceId: undefined });
      logger.info('one');
    } finally {
      output.restore();
    }

    expect(output.lines()[0]).toMatchObject({ message: 'one', alertId: 'alert-1' });
    expect(output.lines()[0]).not.toHaveProperty('traceId');
  });
});
