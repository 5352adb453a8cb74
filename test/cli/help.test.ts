import { allOptions, helpText, parseArgsOptions, synopsis, usageHint } from '../../local/cli/command-spec.js';
import { COMMAND_SPECS, COMMAND_SUMMARIES, type CommandName } from '../../local/cli/help.js';
import { runZsa } from '../../local/cli/main.js';
import { runSandboxCli } from '../../local/sandbox/cli.js';

const COMMANDS = Object.keys(COMMAND_SUMMARIES) as CommandName[];

/** The long options a text mentions, as a sorted set. */
function optionsIn(text: string): string[] {
  return [...new Set(text.match(/--[a-z][a-z-]*/g) ?? [])].sort();
}

function capturedIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { env: {}, stdout: (text: string) => out.push(text), stderr: (text: string) => err.push(text) } };
}

describe('command specs', () => {
  describe.each(COMMANDS)('%s', (name) => {
    const spec = COMMAND_SPECS[name];
    const parsed = Object.keys(parseArgsOptions(spec))
      .map((option) => `--${option}`)
      .sort();

    it('lists the same options in --help, in the usage-error text and in the parser', async () => {
      const help = capturedIo();
      const usage = capturedIo();

      const helpCode = await runZsa([name, '--help'], help.io);
      const usageCode = await runZsa([name, '--no-such-option'], usage.io);

      expect(helpCode).toBe(0);
      expect(usageCode).toBe(2);
      const usageText = usage.err.join('').replace('--no-such-option', '');
      expect(optionsIn(synopsis(spec))).toEqual(parsed);
      expect(optionsIn(usageText)).toEqual(parsed);
      // The help text also names options inside descriptions; every parsed option has its own line.
      for (const option of allOptions(spec)) expect(help.out.join('')).toMatch(new RegExp(`^  (-\\w, )?--${option.name}\\b`, 'm'));
      expect(optionsIn(help.out.join('')).filter((option) => !parsed.includes(option))).toEqual([]);
    });

    it('documents every option with a help line', () => {
      for (const option of allOptions(spec)) expect(option.help.trim().length).toBeGreaterThan(0);

      expect(helpText(spec)).toContain(synopsis(spec));
      expect(usageHint(spec)).toContain(`${spec.invocation} --help`);
    });
  });

  it('gives npm start and zsa sandbox one help text and one usage text', async () => {
    const viaZsa = capturedIo();
    const viaStart = capturedIo();
    const usage = capturedIo();

    await runZsa(['sandbox', '--help'], viaZsa.io);
    await runSandboxCli(['--help'], viaStart.io);
    const code = await runSandboxCli(['--bogus'], usage.io);

    expect(viaStart.out.join('')).toBe(viaZsa.out.join(''));
    expect(viaZsa.out.join('')).toContain('--slack-webhook URL');
    expect(viaZsa.out.join('')).toContain('GET  /runs/{id}');
    expect(viaZsa.out.join('')).not.toContain('--silent');
    expect(code).toBe(2);
    expect(optionsIn(usage.err.join('').replace('--bogus', ''))).toEqual(optionsIn(synopsis(COMMAND_SPECS.sandbox)));
  });
});
