import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** Starting the sandbox (Node, DynamoDB Local's JVM) on a loaded 2-core machine (not a timing assertion). */
const STARTUP_MS = 120_000;
/** How long everything may take to go once its parent is gone (the JVM's shutdown included). */
const WIND_DOWN_MS = 30_000;
/** A closed output pipe is noticed at the sandbox's next line of output, which may take a pipeline stage. */
const NEXT_OUTPUT_LINE_MS = 90_000;

interface MarkedProcess {
  readonly pid: number;
  readonly command: string;
}

/**
 * Every process, however far re-parented, whose environment carries `ZSA_PROBE=<marker>`: the
 * test's `npm start` and all it started (node, DynamoDB Local's watchdog and JVM), and nothing
 * that belongs to anyone else (other runs on the machine have their own JVMs).
 */
function markedProcesses(marker: string): MarkedProcess[] {
  const found: MarkedProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environment = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
      if (!environment.includes(`ZSA_PROBE=${marker}`)) continue;
      found.push({ pid: Number(entry), command: readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0').join(' ').trim() });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

const isJvm = (process: MarkedProcess) => /^java .*DynamoDBLocal\.jar/.test(process.command);
const isSandboxNode = (process: MarkedProcess) => /\bnode\b.*bin\/zsa\.ts sandbox/.test(process.command);

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(100);
  }
}

/** The environment of a route: the marker, and no shared DynamoDB Local so the sandbox starts its own. */
function routeEnvironment(marker: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ZSA_PROBE: marker };
  delete env.DYNAMODB_ENDPOINT;
  return env;
}

/**
 * `npm start` (the sandbox demo) ended by each route a user or a machine may take: nothing it
 * started may remain, above all not DynamoDB Local's JVM (about 190 MB each). Each route waits
 * until the JVM runs, ends the run that way, then waits for every marked process to be gone.
 */
describe('npm start leaves nothing running', () => {
  let marker: string;
  let started: ChildProcess | undefined;

  beforeEach(() => {
    marker = randomUUID();
  });

  afterEach(async () => {
    // Whatever a failed route left behind is ours (it carries the marker): end it by its id.
    for (const leftover of markedProcesses(marker)) {
      try {
        process.kill(leftover.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    started = undefined;
  });

  async function jvmOf(): Promise<MarkedProcess> {
    return waitFor('DynamoDB Local to start', () => markedProcesses(marker).find(isJvm), STARTUP_MS);
  }

  async function nothingLeft(timeoutMs = WIND_DOWN_MS): Promise<MarkedProcess[]> {
    await waitFor('every process of the run to end', () => (markedProcesses(marker).length === 0 ? true : undefined), timeoutMs).catch(() => undefined);
    return markedProcesses(marker);
  }

  // SIGKILL leaves npm no chance to pass anything on: the sandbox notices it was re-parented.
  it.each(['SIGTERM', 'SIGINT', 'SIGKILL'] as const)('when the npm process gets %s', async (signal) => {
    started = spawn('npm', ['start'], { env: routeEnvironment(marker), stdio: 'ignore' });
    const jvm = await jvmOf();

    started.kill(signal);

    expect(await nothingLeft()).toEqual([]);
    expect(jvm.command).toMatch(/-port \d+/);
  });

  it('when its output is a pipe that closes (npm start | head -2)', async () => {
    const ready = join(tmpdir(), `zsa-probe-${marker}`);
    try {
      // The reader takes two lines like `head -2`, then holds the pipe until the JVM runs, so the
      // pipe closes while DynamoDB Local is up: the sandbox's next line then fails with EPIPE.
      started = spawn('sh', ['-c', 'npm start | { head -2 >/dev/null; : > "$READY.read"; while [ ! -e "$READY" ]; do sleep 0.1; done; }'], {
        env: { ...routeEnvironment(marker), READY: ready },
        stdio: 'ignore',
      });
      await jvmOf();
      await waitFor('two lines of output', () => (existsSync(`${ready}.read`) ? true : undefined), STARTUP_MS);

      writeFileSync(ready, '');

      expect(await nothingLeft(NEXT_OUTPUT_LINE_MS)).toEqual([]);
    } finally {
      for (const file of [ready, `${ready}.read`]) if (existsSync(file)) rmSync(file);
    }
  });

  it('when `npm run simulator` is killed, the simulator ends with it', async () => {
    started = spawn('npm', ['run', 'simulator'], { env: routeEnvironment(marker), stdio: ['ignore', 'pipe', 'ignore'] });
    let output = '';
    started.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    await waitFor('the simulator to listen', () => (/127\.0\.0\.1:\d+/.test(output) ? true : undefined), STARTUP_MS);
    expect(markedProcesses(marker).some((process) => /bin\/zsa\.ts simulator/.test(process.command))).toBe(true);

    started.kill('SIGKILL');

    expect(await nothingLeft()).toEqual([]);
  });

  it('when the sandbox process dies without any chance to clean up (SIGKILL)', async () => {
    started = spawn('npm', ['start'], { env: routeEnvironment(marker), stdio: 'ignore' });
    await jvmOf();
    const sandbox = markedProcesses(marker).find(isSandboxNode);
    expect(sandbox).toBeDefined();

    process.kill(sandbox!.pid, 'SIGKILL');

    expect(await nothingLeft()).toEqual([]);
  });
});
