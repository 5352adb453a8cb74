/**
 * `zsa sandbox [...]` (and `npm start`): the sandbox's own CLI (local/sandbox/cli.ts
 * `runSandboxCli`), which owns its options (`--cfn-event FILE`, `--zdx-alert FILE`, `--json`,
 * `--serve [--port N]`, the no-argument demo). It pulls in the CDK app, the simulator and DynamoDB
 * Local, so main.ts imports this module only when the sandbox command runs.
 */
import { runSandboxCli } from '../../sandbox/cli.js';
import type { Command } from '../io.js';

/** Hands the arguments after `sandbox` and this run's io to the sandbox; returns its exit code. */
export const runSandboxCommand: Command = runSandboxCli;
