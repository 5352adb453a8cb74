import { DiagnosticsPipelineHarness } from '../../local/sandbox/diagnostics/harness.js';
import { FAULT_KINDS } from '../../local/simulator/index.js';
import { alertBody } from '../e2e/diagnostics/support.js';
import { captureProcessOutput, findSecrets, safeJson } from '../helpers/faults/secrets.js';

/** Seeded alerts of the slice (fault seed = first alert). */
const ALERTS = [9_600_001, 9_600_002, 9_600_003, 9_600_004, 9_600_005, 9_600_006];

describe('AlertDiagnostics under faults (security)', () => {
  const levelBefore = process.env.POWERTOOLS_LOG_LEVEL;
  let harness: DiagnosticsPipelineHarness;
  const texts: Array<{ source: string; text: string }> = [];

  beforeAll(async () => {
    // Every log line the handlers can write is produced (and captured).
    process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
    harness = await DiagnosticsPipelineHarness.start({ dynamoEndpoint: process.env.DYNAMODB_ENDPOINT, zdxRate: { perSecond: 100, perMinute: 100_000 }, retryIntervalMs: 20 });
    harness.simulator.update({ zdx: { rateLimit: { perSecond: 200, perMinute: 200_000, includeAuthCalls: false } }, faults: { rate: 0.25, seed: ALERTS[0], kinds: [...FAULT_KINDS], slowMs: 100 } });
    for (const alertId of ALERTS) harness.simulator.ensureAlert(alertId, { deviceCount: 2 });
    const captured = captureProcessOutput();
    try {
      const answers = await Promise.all(
        ALERTS.map(async (alertId, index) => {
          if (index === 2) harness.simulator.zdx.revokeTokens();
          return harness.deliverWebhook(alertBody(alertId)).catch((error: unknown) => ({ thrown: safeJson(error) }));
        }),
      );
      texts.push({ source: 'webhook answers', text: safeJson(answers) });
      // Wrong credentials and methods answer without echoing what was sent.
      texts.push({ source: 'rejected webhook', text: safeJson(await harness.deliverWebhook(alertBody(ALERTS[0] as number), { method: 'GET' })) });
      await harness.idle();
    } finally {
      captured.stop();
    }
    texts.push(...captured.texts);
    for (const outcome of harness.outcomes()) texts.push({ source: `outcome ${outcome.executionName}`, text: safeJson(outcome) });
    for (const notification of harness.standIns.notifications) texts.push({ source: `notification ${notification.channel}`, text: safeJson(notification.payload) });
    for (const execution of harness.executions()) texts.push({ source: `execution ${execution.name}`, text: safeJson({ error: execution.error, output: execution.output }) });
    for (const run of harness.runner.taskRuns) if (run.error) texts.push({ source: `task ${run.stateName}`, text: safeJson(run.error) });
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
    if (levelBefore === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = levelBefore;
  });

  describe('findSecrets', () => {
    it('finds a planted credential, token and webhook URL (the scan is not blind)', () => {
      const token = harness.simulator.calls.length > 0 ? 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzYW5kYm94LWtleS1pZCJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ' : '';
      const planted = [
        { source: 'planted', text: `Authorization: Bearer ${harness.webhookToken}` },
        { source: 'planted', text: `token ${token}` },
        { source: 'planted', text: 'posting to https://hooks.slack.com/services/TSANDBOX/BSANDBOX/sandbox-webhook failed' },
        { source: 'planted', text: 'key_secret=sandbox-key-secret' },
      ];

      const findings = findSecrets(planted, { 'webhook bearer credential of this run': harness.webhookToken });

      expect(new Set(findings.map((finding) => finding.secret))).toEqual(
        new Set(['webhook bearer credential of this run', 'webhook bearer credential', 'issued token (JWT)', 'Slack webhook URL', 'Slack webhook path', 'ZDX key secret']),
      );
    });
  });

  describe('logs, notifications, execution errors and answers', () => {
    it('carry no credential, issued token, webhook URL or bearer credential', () => {
      const injected = Object.values(harness.simulator.counters.faultsInjected).reduce((sum, count) => sum + (count ?? 0), 0);

      const findings = findSecrets(texts, { 'webhook bearer credential of this run': harness.webhookToken });

      expect(harness.simulator.counters.tokensIssued.zdx ?? 0).toBeGreaterThan(0);
      expect(injected).toBeGreaterThan(0);
      expect(texts.length).toBeGreaterThan(ALERTS.length);
      expect(findings).toEqual([]);
    });
  });
});
