import { resolve } from 'node:path';
import { SANDBOX_SLACK_WEBHOOK } from '../../../local/sandbox/aws-stand-ins.js';
import type { SandboxDocument } from '../../../local/sandbox/sandbox.js';
import { findSecrets } from '../../helpers/faults/secrets.js';
import { expectNoSecrets, removeTempDirs, writeJson } from '../helpers.js';
import { HARNESS_STARTUP_MS, runSandboxCapturingLogs, type CapturedRun } from './sandbox-run.js';

afterAll(removeTempDirs);

const CFN_EVENT = resolve('local/sandbox/samples/cfn-stack-create-complete.json');
const ZDX_ALERT = resolve('local/sandbox/samples/zdx-alert-started.json');

/**
 * One `--json` run with both kinds of input plus the ones that must be ignored. The scan and
 * diagnostics sandboxes' own e2e tests (test/e2e/scan, test/e2e/diagnostics) cover their pipelines;
 * this checks the document the command prints (one JSON document with every field a scan and an
 * alert report) and that no secret reaches it or any log line.
 */
describe('zsa sandbox --json', () => {
  let run: CapturedRun;
  let document: SandboxDocument;
  let notAnEvent: string;
  let testRule: string;

  beforeAll(async () => {
    notAnEvent = writeJson('hello.json', { hello: 'world' });
    testRule = writeJson('test-rule.json', { ruleName: 'test' });
    run = await runSandboxCapturingLogs(['--cfn-event', CFN_EVENT, '--cfn-event', notAnEvent, '--zdx-alert', ZDX_ALERT, '--zdx-alert', testRule, '--json']);
    document = JSON.parse(run.stdout) as SandboxDocument;
  }, HARNESS_STARTUP_MS);

  it('prints exactly one JSON document with scans, diagnostics and ignored, and exits 0', () => {
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(Object.keys(document).sort()).toEqual(['diagnostics', 'ignored', 'scans']);
  });

  it('gives each scan its account, job, deployments, posture, delta and notifications', () => {
    expect(document.scans).toHaveLength(1);
    const [scan] = document.scans;

    expect(scan).toMatchObject({
      awsAccountId: '111122223333',
      region: 'us-west-1',
      zcspmAccountId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      jobId: expect.any(String),
      status: 'Success',
      deployments: [{ stackId: expect.stringContaining(':stack/teststack/'), stackName: 'teststack', status: 'CREATE_COMPLETE' }],
      posture: { compliancePercent: expect.any(Number), red: expect.any(Number), amber: expect.any(Number), green: expect.any(Number), gray: expect.any(Number) },
      delta: { previousJobId: null },
    });
    expect(scan?.notifications.map((notification) => notification.channel).sort()).toEqual(['eventbridge', 'slack', 'sns']);
    for (const notification of scan?.notifications ?? []) expect(notification.payload).toEqual(expect.any(Object));
  });

  it('gives each alert its rule, summary and notifications, and one diagnosis per device', () => {
    expect(document.diagnostics).toHaveLength(1);
    const [alert] = document.diagnostics;

    expect(alert).toMatchObject({ alertId: '7263519', ruleName: 'Poor Outlook Online Page Fetch Time', summary: { verdict: expect.any(String), text: expect.any(String), diagnosed: 3 } });
    expect(alert?.devices).toHaveLength(3);
    for (const device of alert?.devices ?? []) {
      expect(device).toMatchObject({ deviceId: expect.any(String), traceId: expect.any(String), status: 'diagnosed', diagnosis: { verdict: expect.any(String), headline: expect.any(String) } });
      expect(device.firstLook).toEqual({ verdict: expect.any(String), headline: expect.any(String), evidence: expect.any(Array), secondsAfterWebhook: expect.any(Number) });
      expect(device.confirmation?.text).toMatch(/^first look: /);
    }
    // The first look, then the diagnosis, on each channel.
    expect(alert?.notifications.map((notification) => notification.channel).sort()).toEqual(['eventbridge', 'eventbridge', 'slack', 'slack', 'sns', 'sns']);
    expect(alert?.notifications.find((notification) => notification.channel === 'sns')?.payload).toMatchObject({ Subject: expect.any(String), Message: expect.any(String), MessageAttributes: expect.any(Object) });
  });

  it('lists valid JSON that is no event, and the test-rule webhook, under ignored with the reason', () => {
    expect(document.ignored).toEqual([
      { source: notAnEvent, reason: expect.stringMatching(/^not an EventBridge event: missing id/) },
      { source: testRule, reason: '200: test webhook received; nothing started' },
    ]);
  });

  it('prints no secret', () => {
    expectNoSecrets(run, [SANDBOX_SLACK_WEBHOOK]);
  });

  it('writes no secret in the document or any log line of either pipeline', () => {
    expect(run.code).toBe(0);
    expect(document.scans?.length).toBeGreaterThan(0);
    expect(document.diagnostics?.length).toBeGreaterThan(0);
    expect(findSecrets(run.texts)).toEqual([]);
  });
});
