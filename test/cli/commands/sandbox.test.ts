import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SANDBOX_SLACK_WEBHOOK } from '../../../local/sandbox/aws-stand-ins.js';
import { parseSandboxArgs } from '../../../local/sandbox/cli.js';
import { SandboxUsageError } from '../../../local/sandbox/sandbox.js';
import { findSecrets } from '../../helpers/faults/secrets.js';
import { emptyDir, expectNoSecrets, removeTempDirs, runCli } from '../helpers.js';
import { HARNESS_STARTUP_MS, runSandboxCapturingLogs, type CapturedRun } from './sandbox-run.js';

afterAll(removeTempDirs);

/** A file holding `text` (not necessarily JSON) in a fresh directory. */
function writeText(name: string, text: string): string {
  const path = join(emptyDir(), name);
  writeFileSync(path, text);
  return path;
}

describe('zsa sandbox', () => {
  describe('usage errors', () => {
    it('exits 2 naming the --cfn-event file that is not JSON, before anything starts', async () => {
      const broken = writeText('broken-event.json', '{ "detail-type": ');

      const run = await runCli(['sandbox', '--cfn-event', broken], { env: { DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT } });

      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON`));
      expect(run.stdout).not.toContain('Pipeline 1');
    });

    it('exits 2 naming the --zdx-alert file that is not JSON', async () => {
      const broken = writeText('broken-alert.json', 'alertId=1');

      const run = await runCli(['sandbox', '--zdx-alert', broken, '--json'], { env: { DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT } });

      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${broken} is not valid JSON`);
      expect(run.stdout).toBe('');
    });

    it('exits 2 naming an event file that does not exist', async () => {
      const run = await runCli(['sandbox', '--zdx-alert', 'nowhere.json'], { env: { DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT } });

      expect(run.code).toBe(2);
      expect(run.stderr).toContain('cannot read nowhere.json: ENOENT');
    });
  });

  describe('--help', () => {
    it('documents --serve, --port and --account', async () => {
      const run = await runCli(['sandbox', '--help'], { env: {} });

      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/--serve\s/);
      expect(run.stdout).toMatch(/--port N\s/);
    });
  });

  describe('the no-argument demo', () => {
    let run: CapturedRun;

    beforeAll(async () => {
      run = await runSandboxCapturingLogs([]);
    }, HARNESS_STARTUP_MS);

    it('exits 0 with a heading per pipeline and every progress line timed from the start', () => {
      const progress = run.stdout.slice(0, run.stdout.indexOf('\nResults:')).split('\n').filter((line) => line !== '');

      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(progress.find((line) => line.includes('Pipeline 1: post-deploy compliance scan'))).toBeDefined();
      expect(progress.find((line) => line.includes('Pipeline 2: alert-triggered diagnostics'))).toBeDefined();
      // A timed line may head an indented block (the first look's device verdicts, one line each).
      expect(progress[0]).toMatch(/^\[\+ *\d+\.\ds\] \S/);
      expect(progress.filter((line) => !/^\[\+ *\d+\.\ds\] \S/.test(line) && !/^ {2}\S/.test(line))).toEqual([]);
    });

    it('shows the scan with its posture and one diagnosis per affected device', () => {
      expect(run.stdout).toMatch(/Scan of AWS account 111122223333 \(us-west-1\) -> ZCSPM account [0-9a-f-]{36}\n {2}job \S+: Success/);
      expect(run.stdout).toMatch(/ {2}posture: \d+(\.\d+)?% compliant \(green \d+, red \d+, amber \d+, gray \d+\)/);
      expect(run.stdout).toContain('Alert 7263519 (Poor Outlook Online Page Fetch Time): SUCCEEDED');
      expect(run.stdout.match(/^ {2}- \S+ \[diagnosed\] (Device|Network|Zscaler|Application): /gm)).toHaveLength(3);
    });

    it('renders both notifications for a terminal', () => {
      const notifications = run.stdout.slice(run.stdout.indexOf('Notifications (as delivered'));

      expect(notifications).toMatch(/^\[zsa\] Scan .*111122223333.*compliant$/m);
      expect(notifications).toMatch(/^\[zsa\] ZDX High alert: Poor Outlook Online Page Fetch Time/m);
      expect(notifications).not.toContain('"MessageAttributes"');
    });

    it('prints no secret: no simulator credential, Slack webhook URL or token', () => {
      expectNoSecrets(run, [SANDBOX_SLACK_WEBHOOK, 'hooks.slack.com']);
    });

    it('writes no secret in its progress, its summary or any log line of either pipeline', () => {
      expect({ exitCode: run.code, stderr: run.code === 0 ? '' : run.stderr.slice(-1500) }).toEqual({ exitCode: 0, stderr: '' });
      expect(run.stdout + run.stderr).toMatch(/\S/);
      expect(findSecrets(run.texts)).toEqual([]);
    });
  });
});

describe('parseSandboxArgs', () => {
  it('takes --serve with a port and accounts', () => {
    const args = parseSandboxArgs(['--serve', '--port', '0', '--account', '444455556666']);

    expect(args).toMatchObject({ servePort: 0, accounts: ['444455556666'], json: false });
  });

  it.each([
    [['--port', '8080'], '--port needs --serve'],
    [['--serve', '--port', 'http'], '--port must be a port number (0-65535), got "http"'],
    [['--serve', '--account', '12'], '--account must be a 12-digit AWS account id, got "12"'],
    [['--serve', '--json'], '--serve takes its events over HTTP: it cannot be combined with --cfn-event, --zdx-alert or --json'],
  ])('rejects %j with a clear message', (argv, message) => {
    const attempt = () => parseSandboxArgs(argv);

    expect(attempt).toThrow(SandboxUsageError);
    expect(attempt).toThrow(message);
  });
});
