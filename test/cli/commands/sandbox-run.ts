/**
 * One whole `zsa sandbox` run per test file, checked both for what it prints and for secrets. The
 * handlers read their environment once per process, so a file cannot run the sandbox twice; and a
 * run is slow (it synthesizes the app and runs both pipelines), so each run carries every check.
 */
import { captureProcessOutput } from '../../helpers/faults/secrets.js';
import { runCli, type CliRun } from '../helpers.js';

/** Synthesizing the app twice and running both pipelines is slow on a loaded 2-core machine (not a timing assertion). */
export const HARNESS_STARTUP_MS = 180_000;

/** A run and every text it wrote: its own output, and the process and console output of its handlers. */
export interface CapturedRun extends CliRun {
  readonly texts: ReadonlyArray<{ source: string; text: string }>;
}

/**
 * Runs `zsa sandbox <argv>` in-process against `DYNAMODB_ENDPOINT` with the handlers logging at
 * DEBUG, so every log line they can write is produced and captured.
 */
export async function runSandboxCapturingLogs(argv: readonly string[]): Promise<CapturedRun> {
  const levelBefore = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  const captured = captureProcessOutput();
  try {
    const run = await runCli(['sandbox', ...argv], { env: { DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT } });
    return { ...run, texts: [...captured.texts, { source: 'io.stdout', text: run.stdout }, { source: 'io.stderr', text: run.stderr }] };
  } finally {
    captured.stop();
    if (levelBefore === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = levelBefore;
  }
}
