/**
 * `zsa sandbox [...]` (and `npm start`): the sandbox's own CLI (local/sandbox/cli.ts
 * `runSandboxCli`), which owns its options (`--cfn-event FILE`, `--zdx-alert FILE`, `--json`,
 * `--serve [--port N]`, the no-argument demo). Loaded only when this command runs: it pulls in the
 * CDK app, the simulator and DynamoDB Local.
 */
import type { Command } from '../io.js';

/** Hands the arguments after `sandbox` and this run's io to the sandbox; returns its exit code. */
export const runSandboxCommand: Command = async (argv, io) => {
  const { runSandboxCli } = await import('../../sandbox/cli.js');
  return runSandboxCli(argv, io);
};
