import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDiagnosticsSandbox, readAlertFiles } from '../../../local/sandbox/diagnostics/sandbox.js';
import { SandboxUsageError } from '../../../local/sandbox/sandbox.js';
import { STARTED_ALERT } from './support.js';

describe('runDiagnosticsSandbox (e2e)', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'zsa-diag-sandbox-'));
    writeFileSync(join(dir, 'started.json'), STARTED_ALERT);
    writeFileSync(join(dir, 'unknown-alert.json'), JSON.stringify({ alertId: 8_800_001, ruleName: 'Slow Salesforce', status: 'STARTED', severity: 'High' }));
    writeFileSync(join(dir, 'test-webhook.json'), JSON.stringify({ ruleName: 'test' }));
    writeFileSync(join(dir, 'no-alert.json'), JSON.stringify({ hello: 'world' }));
    writeFileSync(join(dir, 'broken.json'), '{ "alertId": ');
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('runDiagnosticsSandbox', () => {
    it('runs the accepted alerts, seeds an unknown one, and lists the rest as ignored with the reason', async () => {
      const result = await runDiagnosticsSandbox({
        files: ['started.json', 'unknown-alert.json', 'test-webhook.json', 'no-alert.json'],
        cwd: dir,
        dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
      });

      expect(result.diagnostics.map((entry) => [entry.alertId, entry.status, entry.devices.length])).toEqual([
        ['7263519', 'SUCCEEDED', 3],
        ['8800001', 'SUCCEEDED', 3],
      ]);
      for (const entry of result.diagnostics) {
        expect(entry.devices.every((device) => device.status === 'diagnosed' && device.traceId !== null && device.diagnosis !== null)).toBe(true);
        expect(entry.summary?.diagnosed).toBe(3);
        // The first look, then the diagnosis, on each channel.
        expect(entry.notifications.map((notification) => notification.channel).sort()).toEqual(['eventbridge', 'eventbridge', 'slack', 'slack', 'sns', 'sns']);
      }
      const slack = result.diagnostics[0]?.notifications.find((notification) => notification.channel === 'slack')?.payload as { text?: string; blocks?: unknown[] };
      expect(typeof slack.text).toBe('string');
      expect(Array.isArray(slack.blocks)).toBe(true);
      expect(result.ignored).toEqual([
        { source: 'test-webhook.json', reason: '200: test webhook received; nothing started' },
        { source: 'no-alert.json', reason: '400: body is not a usable ZDX alert: alertId: is required; status: is required' },
      ]);
    });
  });

  describe('readAlertFiles', () => {
    it('names a file that is not JSON as a usage error (exit code 2)', async () => {
      const attempt = readAlertFiles(['broken.json'], dir);

      await expect(attempt).rejects.toThrow(SandboxUsageError);
      await expect(readAlertFiles(['broken.json'], dir)).rejects.toThrow(/^broken\.json is not valid JSON/);
    });
  });
});
