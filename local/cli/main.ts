/**
 * The `zsa` dispatcher: picks the command, answers `--help` from help.ts without loading anything
 * else, imports the command module only when it runs, and turns errors into one clear, redacted
 * line with the conventional exit code (0 ok, 1 failed check, 2 usage error).
 */
import { ZscalerError } from '../../lambdas/core/errors.js';
import { redact } from '../../lambdas/core/observability/redaction.js';
import { UsageError } from './args.js';
import { usageHint } from './command-spec.js';
import { COMMAND_SPECS, COMMAND_SUMMARIES, commandHelp, TOP_HELP, type CommandName } from './help.js';
import { ExitCode, type CliIo, type Command } from './io.js';

/** Each command's module, imported on first use. */
const COMMANDS: Readonly<Record<CommandName, () => Promise<Command>>> = {
  sandbox: async () => (await import('./commands/sandbox.js')).runSandboxCommand,
  simulator: async () => (await import('./commands/simulator.js')).runSimulatorCommand,
  doctor: async () => (await import('./commands/doctor.js')).runDoctor,
  scan: async () => (await import('./commands/scan.js')).runScan,
  trace: async () => (await import('./commands/trace.js')).runTrace,
  accounts: async () => (await import('./commands/accounts.js')).runAccounts,
};

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_SUMMARIES, name);
}

/** True when `--help`/`-h` appears before a `--` terminator. */
function wantsHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

/**
 * Runs `zsa <command> [args]` and returns the exit code. Never throws: expected errors become one
 * line on stderr (a stack only for unexpected errors and only with `ZSA_DEBUG=1`), always redacted.
 */
export async function runZsa(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout(`${TOP_HELP}\n`);
    return ExitCode.Ok;
  }
  if (name === undefined) {
    io.stderr(`${TOP_HELP}\n`);
    return ExitCode.Usage;
  }
  if (!isCommand(name)) {
    io.stderr(`zsa: unknown command "${redact(name)}". Run "npm run zsa -- --help" for the list.\n`);
    return ExitCode.Usage;
  }
  if (wantsHelp(rest)) {
    io.stdout(`${commandHelp(name)}\n`);
    return ExitCode.Ok;
  }
  try {
    const command = await COMMANDS[name]();
    return await command(rest, io);
  } catch (error) {
    const { code, lines } = describeFailure(name, error, io.env.ZSA_DEBUG === '1');
    io.stderr(lines.map((line) => `${redact(line)}\n`).join(''));
    return code;
  }
}

/** The exit code and the lines a failed command prints. */
export function describeFailure(command: string, error: unknown, debug: boolean): { code: number; lines: string[] } {
  if (error instanceof UsageError) {
    const spec = isCommand(command) ? COMMAND_SPECS[command] : undefined;
    const hint = spec ? usageHint(spec) : `Run "npm run zsa -- ${command} --help" for usage.`;
    return { code: ExitCode.Usage, lines: [`zsa ${command}: ${error.message}`, ...hint.split('\n')] };
  }
  if (error instanceof ZscalerError) {
    return { code: ExitCode.Failed, lines: [`zsa ${command}: ${error.message}`, ...(debug && error.stack ? [error.stack] : [])] };
  }
  const err = error instanceof Error ? error : new Error(String(error));
  const lines = [`zsa ${command}: unexpected error: ${err.name}: ${err.message}`];
  lines.push(debug && err.stack ? err.stack : 'Set ZSA_DEBUG=1 to see the stack trace.');
  return { code: ExitCode.Failed, lines };
}
