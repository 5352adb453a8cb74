/**
 * `zsa simulator [--port N] [--seed N] [--time-scale X]`: the simulator's own CLI
 * (local/simulator/cli.ts `runSimulatorCli`), which parses its options, prints its banner and runs
 * until SIGINT/SIGTERM.
 */
import type { Command } from '../io.js';

/**
 * Delegates to `runSimulatorCli(argv)`. It reports usage errors through `process.exitCode`; that
 * value is taken as this command's exit code and the previous one restored, so running it
 * in-process (tests) leaves the host's exit code alone.
 */
export const runSimulatorCommand: Command = async (argv) => {
  const { runSimulatorCli } = await import('../../simulator/cli.js');
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await runSimulatorCli([...argv]);
    return Number(process.exitCode ?? 0);
  } finally {
    process.exitCode = before;
  }
};
