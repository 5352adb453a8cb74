import { ConfigError } from '../../lambdas/core/errors.js';
import { UsageError } from '../../local/cli/args.js';
import { COMMAND_SUMMARIES } from '../../local/cli/help.js';
import { describeFailure } from '../../local/cli/main.js';
import { removeTempDirs, runCli } from './helpers.js';

afterAll(removeTempDirs);

describe('runZsa', () => {
  describe('--help', () => {
    it('lists every command with exit code 0 when asked at the top level', async () => {
      const run = await runCli(['--help'], { env: {} });

      expect(run.code).toBe(0);
      for (const name of Object.keys(COMMAND_SUMMARIES)) expect(run.stdout).toContain(`  ${name} `);
      expect(run.stdout).toContain('Exit codes: 0 ok, 1 a check failed, 2 usage error.');
    });

    it.each(['sandbox', 'doctor', 'scan', 'trace', 'accounts'])('prints the usage of %s without needing credentials', async (command) => {
      const run = await runCli([command, '--help'], { env: {} });

      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: npm run zsa -- ${command}`));
      expect(run.stderr).toBe('');
    });

    it('answers -h after other options too', async () => {
      const run = await runCli(['scan', '--account', '111122223333', '-h'], { env: {} });

      expect(run.code).toBe(0);
      expect(run.stdout).toContain('--fail-on LEVEL');
    });
  });

  describe('usage errors', () => {
    it('exits 2 with the command list when no command is given', async () => {
      const run = await runCli([], { env: {} });

      expect(run.code).toBe(2);
      expect(run.stderr).toContain('Commands:');
    });

    it('exits 2 naming an unknown command', async () => {
      const run = await runCli(['deploy'], { env: {} });

      expect(run.code).toBe(2);
      expect(run.stderr).toBe('zsa: unknown command "deploy". Run "npm run zsa -- --help" for the list.\n');
    });

    it('exits 2 with one line and a pointer to --help for an unknown option', async () => {
      const run = await runCli(['doctor', '--verbose'], { env: {} });

      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^zsa doctor: unknown option --verbose\nUsage: npm run zsa -- doctor \[--post-test-message\] \[--json\]/);
      expect(run.stderr).toContain('Run "npm run zsa -- doctor --help" for what each option does.');
    });
  });
});

describe('describeFailure', () => {
  it('maps a usage error to exit code 2', () => {
    const failure = describeFailure('scan', new UsageError('--account is required'), false);

    expect(failure.code).toBe(2);
    expect(failure.lines[0]).toBe('zsa scan: --account is required');
    expect(failure.lines[1]).toMatch(/^Usage: npm run zsa -- scan --account ID \[--wait\]/);
    expect(failure.lines.at(-1)).toBe('Run "npm run zsa -- scan --help" for what each option does.');
  });

  it('prints an expected error as one line without a stack', () => {
    const failure = describeFailure('doctor', new ConfigError('ZDX_KEY_ID is not set'), false);

    expect(failure).toEqual({ code: 1, lines: ['zsa doctor: ZDX_KEY_ID is not set'] });
  });

  it('shows the stack of an unexpected error only in debug mode', () => {
    const error = new TypeError('x is undefined');

    const quiet = describeFailure('trace', error, false);
    const debug = describeFailure('trace', error, true);

    expect(quiet.lines).toEqual(['zsa trace: unexpected error: TypeError: x is undefined', 'Set ZSA_DEBUG=1 to see the stack trace.']);
    expect(debug.lines[1]).toContain('TypeError: x is undefined\n    at ');
  });
});
