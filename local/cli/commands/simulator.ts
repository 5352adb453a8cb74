/**
 * `zsa simulator [--port N] [--seed N] [--time-scale X]`: the simulator's own CLI
 * (local/simulator/cli.ts `runSimulatorCli`), which prints its banner and runs until SIGINT/SIGTERM.
 */
import { runSimulatorCli } from '../../simulator/cli.js';
import type { Command } from '../io.js';

/** Runs the simulator in the foreground; a usage error propagates as `UsageError` (exit code 2). */
export const runSimulatorCommand: Command = async (argv) => {
  await runSimulatorCli([...argv]);
  return 0;
};
