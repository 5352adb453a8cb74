/**
 * A simulated Lambda container: a long-lived child process (the pinned Node, `process.execPath`)
 * that imports one bundled handler once and then serves invocations one at a time over IPC, with
 * exactly the environment given (the function's own, from the synthesized template). Its peak RSS
 * (VmHWM, see container-child.mjs) is what Lambda reports as "Max Memory Used" for one container.
 * Events and results cross the boundary as JSON, as they do in Lambda.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { openSync, closeSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CHILD = fileURLToPath(new URL('./container-child.mjs', import.meta.url));

/** Memory figures of one container. */
export interface ContainerMemory {
  /** Peak resident set size over the container's life so far, MB. */
  readonly peakRssMb: number;
  /** Peak RSS right after the import, before any invocation, MB. */
  readonly afterInitRssMb: number;
  readonly initMs: number;
  /** `process.memoryUsage()` when asked, MB: where the memory is now (V8 heap, external, array buffers). */
  readonly now: { readonly rss: number; readonly heapTotal: number; readonly heapUsed: number; readonly external: number; readonly arrayBuffers: number };
}

/** Options of {@link LambdaContainer.start}. */
export interface LambdaContainerOptions {
  readonly functionName: string;
  readonly bundlePath: string;
  readonly env: Readonly<Record<string, string>>;
  /** The handler's stdout and stderr go here (its log lines). */
  readonly logFile: string;
  /** Remaining time every invocation sees. @default 60000 */
  readonly timeoutMs?: number;
}

interface Pending {
  resolve(value: Record<string, unknown>): void;
  reject(error: Error): void;
}

/** One container; {@link LambdaContainer.start} it, `invoke` it, read `memory()`, `stop()` it. */
export class LambdaContainer {
  invocations = 0;
  readonly failures: string[] = [];
  readonly #child: ChildProcess;
  readonly #options: LambdaContainerOptions;
  readonly #pending = new Map<string, Pending>();
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(child: ChildProcess, options: LambdaContainerOptions) {
    this.#child = child;
    this.#options = options;
    child.on('message', (message: { id?: string } & Record<string, unknown>) => {
      const pending = message.id === undefined ? undefined : this.#pending.get(message.id);
      if (!pending || message.id === undefined) return;
      this.#pending.delete(message.id);
      pending.resolve(message);
    });
    child.on('exit', (code, signal) => {
      for (const pending of this.#pending.values()) pending.reject(new Error(`container ${options.functionName} exited (${signal ?? code})`));
      this.#pending.clear();
    });
  }

  /** Starts the process and waits until the handler is imported. */
  static async start(options: LambdaContainerOptions): Promise<LambdaContainer> {
    const log = openSync(options.logFile, 'a');
    try {
      const child = fork(CHILD, [pathToFileURL(options.bundlePath).href], {
        execPath: process.execPath,
        // Not this process's flags (tsx): the container runs the bundle on plain Node, as Lambda does.
        execArgv: [],
        env: { ...options.env },
        stdio: ['ignore', log, log, 'ipc'],
        serialization: 'json',
      });
      await new Promise<void>((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`container ${options.functionName} failed to import its bundle (exit ${code}); see ${options.logFile}`));
        child.once('exit', onExit);
        child.once('error', reject);
        child.once('message', (message: { type?: string }) => {
          if (message.type !== 'ready') return;
          child.off('exit', onExit);
          resolve();
        });
      });
      return new LambdaContainer(child, options);
    } finally {
      closeSync(log);
    }
  }

  /** Invokes the handler (one at a time, as one Lambda container does); rejects like a failed Lambda invocation. */
  invoke(event: unknown, context: Record<string, unknown>): Promise<unknown> {
    const run = this.#queue.then(async () => {
      this.invocations += 1;
      const reply = await this.#request({ type: 'invoke', event, context, timeoutMs: this.#options.timeoutMs ?? 60_000 });
      if (reply.error) {
        const { name, message } = reply.error as { name: string; message: string };
        this.failures.push(name);
        // Shaped as Step Functions sees a failed Lambda invocation: Error = name, Cause = Lambda's JSON.
        throw Object.assign(new Error(JSON.stringify({ errorType: name, errorMessage: message, trace: [] })), { name });
      }
      return reply.result;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The container's memory figures so far. */
  async memory(): Promise<ContainerMemory> {
    const reply = await this.#request({ type: 'memory' });
    const mb = (kb: unknown) => Math.round((Number(kb) / 1024) * 10) / 10;
    const usage = (reply.usage ?? {}) as Record<string, unknown>;
    const usageMb = (name: string) => mb(Number(usage[name]) / 1024);
    return {
      peakRssMb: mb(reply.maxRssKb),
      afterInitRssMb: mb(reply.maxRssKbAfterInit),
      initMs: Math.round(Number(reply.initMs) * 10) / 10,
      now: { rss: usageMb('rss'), heapTotal: usageMb('heapTotal'), heapUsed: usageMb('heapUsed'), external: usageMb('external'), arrayBuffers: usageMb('arrayBuffers') },
    };
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      this.#child.once('exit', () => resolve());
      this.#child.kill();
    });
  }

  #request(message: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ ...message, id }, (error) => {
        if (error) {
          this.#pending.delete(id);
          reject(error);
        }
      });
    });
  }
}
