/**
 * `zsa simulator [--port N] [--seed N] [--time-scale X]`: the simulator's own CLI
 * (local/simulator/cli.ts `runSimulatorCli`), which prints its banner and runs until SIGINT/SIGTERM.
 */
import type { Command } from '../io.js';

/** Runs the simulator in the foreground; a usage error propagates as `UsageError` (exit code 2). */
export const runSimulatorCommand: Command = async (argv) => {
  const { runSimulatorCli } = await import('../../simulator/cli.js');
  await runSimulatorCli([...argv]);
  return 0;
};
