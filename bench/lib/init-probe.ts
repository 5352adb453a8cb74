/**
 * Measures a cold start the way Lambda pays it: a fresh Node process (the pinned Node 24 running
 * this bench, `process.execPath`) imports the bundle and checks that `handler` is a function.
 * The child measures itself, from just before `await import(bundle)` until `handler` is ready
 * (module evaluation, i.e. what the function's own code costs at cold start):
 * - `initMs`: the CPU time (user + system, `process.cpuUsage()`) the process spent on it. Importing
 *   a bundle is CPU-bound work (the file is in the page cache after the warm-up round), so on an idle
 *   core it equals the wall time, and Lambda gives each environment its own CPU share. Unlike wall
 *   time it does not grow with the other processes on the machine: on a shared 2-core box wall-time
 *   medians drifted 1.7x between runs minutes apart, CPU-time medians stayed within ~10%.
 * - `wallMs`: the wall time of the same span (shown next to it, not used for the target);
 * - `startupMs`: from process start to the first line of the probe (Node's own bootstrap, the same
 *   for every bundle; reported separately, never part of `initMs`).
 */
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import * as z from 'zod';
import { teamEnvironment } from '../../lib/constructs/team-function.js';

/** One cold start. */
export interface InitSample {
  readonly startupMs: number;
  /** CPU time of the import (see the file comment). */
  readonly initMs: number;
  /** Wall time of the import. */
  readonly wallMs: number;
}

// Runs as an ES module in the child; prints one JSON line.
const PROBE = `
const startupMs = performance.now();
const cpu = process.cpuUsage();
const started = performance.now();
const loaded = await import(process.argv[1]);
const wallMs = performance.now() - started;
const used = process.cpuUsage(cpu);
const initMs = (used.user + used.system) / 1000;
if (typeof loaded.handler !== 'function') {
  process.stderr.write('the bundle exports no handler function');
  process.exit(3);
}
process.stdout.write(JSON.stringify({ startupMs, initMs, wallMs }));
`;

const SampleSchema = z.object({ startupMs: z.number().nonnegative(), initMs: z.number().nonnegative(), wallMs: z.number().nonnegative() });

/**
 * The environment a TeamFunction starts with, as far as module-scope code can see it: Lambda's
 * reserved variables (so libraries that detect Lambda behave as they do there) and the variables
 * TeamFunction sets for every function (`teamEnvironment()`: Powertools names). No credentials.
 */
export function lambdaLikeEnvironment(functionName: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_FORMAT: 'JSON',
    AWS_LAMBDA_LOG_LEVEL: 'INFO',
    ...teamEnvironment(),
  };
}

/** One cold start of `bundlePath` in a fresh process. Rejects when the import fails or takes over `timeoutMs`. */
export function probeInit(bundlePath: string, env: Record<string, string>, timeoutMs = 60_000): Promise<InitSample> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', PROBE, pathToFileURL(bundlePath).href], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`importing ${bundlePath} failed (${signal ?? `exit ${code}`}): ${stderr.trim().slice(0, 600)}`));
        return;
      }
      const parsed = SampleSchema.safeParse(safeJson(stdout));
      if (!parsed.success) reject(new Error(`the init probe of ${bundlePath} printed no sample: ${stdout.slice(0, 200)}`));
      else resolve(parsed.data);
    });
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
