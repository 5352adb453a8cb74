/**
 * `zsa sandbox [...]` (and `npm start`): the local runner of the scan pipeline team, which owns its
 * options (`--cfn-event FILE`, `--zdx-alert FILE`, `--json`, `--serve [--port N]`, the no-argument
 * demo). This command only hands over: it imports `local/sandbox/cli.ts` and calls
 *
 *   runSandboxCli(argv: readonly string[], io: CliIo): Promise<number>
 *
 * with the arguments after `sandbox` and this run's io (env, stdout/stderr writers, cwd, signal),
 * returning its exit code. Nothing of the sandbox is duplicated here.
 */
import { ZscalerError } from '../../../lambdas/core/errors.js';
import type { CliIo, Command } from '../io.js';

/** The local runner's CLI module (relative to this file), resolved at run time. */
const SANDBOX_CLI_MODULE = '../../sandbox/cli.js';

/** The entry point the sandbox module must export. */
export type SandboxCli = (argv: readonly string[], io: CliIo) => Promise<number>;

/** Loads the runner and delegates to it. */
export const runSandboxCommand: Command = async (argv, io) => {
  let module: { runSandboxCli?: unknown };
  try {
    // A computed specifier: the runner is another team's module, loaded only when this command runs.
    module = (await import(SANDBOX_CLI_MODULE)) as { runSandboxCli?: unknown };
  } catch (error) {
    const missing = /Cannot find module '([^']+)'/.exec(String((error as Error | null)?.message))?.[1] ?? '';
    if ((error as { code?: unknown } | null)?.code === 'ERR_MODULE_NOT_FOUND' && /sandbox[/\\]cli(\.[jt]s)?$/.test(missing)) {
      throw new ZscalerError('the local sandbox runner (local/sandbox/cli.ts) is not part of this checkout yet', { cause: error });
    }
    throw error;
  }
  if (typeof module.runSandboxCli !== 'function') {
    throw new ZscalerError('local/sandbox/cli.ts does not export runSandboxCli(argv, io)');
  }
  return (module.runSandboxCli as SandboxCli)(argv, io);
};
