/**
 * A loopback HTTP proxy in front of DynamoDB Local that counts the requests passing through it by
 * operation (the `X-Amz-Target` header), so a benchmark measures the DynamoDB requests the real
 * handlers make instead of estimating them.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** DynamoDB operations that consume write capacity; the rest read. */
const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export interface CountingProxy {
  /** The proxy's endpoint, to give the clients instead of DynamoDB Local's. */
  readonly endpoint: string;
  /** Requests per operation since the last {@link CountingProxy.reset}. */
  counts(): Readonly<Record<string, number>>;
  /** Reads and writes since the last reset (table management operations excluded). */
  totals(): { reads: number; writes: number };
  reset(): void;
  close(): Promise<void>;
}

/** Starts a counting proxy to `target` (e.g. `http://127.0.0.1:8000`). */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  let counts: Record<string, number> = {};
  const server: Server = createServer((incoming, outgoing) => {
    const operation = String(incoming.headers['x-amz-target'] ?? 'unknown').split('.').at(-1) ?? 'unknown';
    counts[operation] = (counts[operation] ?? 0) + 1;
    const forwarded = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    forwarded.on('error', (error) => {
      outgoing.writeHead(502);
      outgoing.end(String(error.message));
    });
    incoming.pipe(forwarded);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    totals: () => {
      let reads = 0;
      let writes = 0;
      for (const [operation, count] of Object.entries(counts)) {
        if (/Table|TimeToLive/.test(operation)) continue;
        if (WRITE_OPERATIONS.has(operation)) writes += count;
        else reads += count;
      }
      return { reads, writes };
    },
    reset: () => {
      counts = {};
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
