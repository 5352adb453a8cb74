/**
 * Runs the synthesized state machines locally with aws-local-stepfunctions 3, invoking the REAL
 * handler modules in-process for every Lambda task, with waits and retry intervals compressed.
 *
 * Reusable by every pipeline (tests, the sandbox, benchmarks): give it a synthesized stack, the
 * local values that must be real (table name, endpoints), and optional hooks around tasks.
 *
 * - Lambda tasks in both forms: `Resource` = the function ARN (`payloadResponseOnly`), or
 *   `arn:aws:states:::lambda:invoke` with `{ FunctionName, Payload }` in and `{ Payload }` out.
 * - A handler error reaches Retry/Catch as Lambda reports it: `Error` = the error's name, `Cause` =
 *   `{"errorType","errorMessage","trace"}`.
 * - Every function's environment from the template is applied to `process.env` (the handlers read
 *   it at module scope), with the caller's overrides on top.
 * - `currentTask()` tells code running inside a task (e.g. an AWS stand-in) which execution and
 *   state it serves, through AsyncLocalStorage.
 * - The simulator's `crash-after-side-effect` fault: when a task's handler made a Zscaler call that
 *   the simulator answered with that fault, the handler runs to its end (its side effects happen)
 *   and then the invocation fails with `Lambda.Unknown`, as Step Functions reports a Lambda that
 *   timed out or ran out of memory, so the task's Retry runs it again.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import { SIMULATED_CRASH_HEADER } from '../simulator/faults.js';
import { ExecutionTimeoutError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import {
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  TokenResolver,
  functionEnvironment,
  resourcesOfType,
  stateMachineDefinition,
  type RefOverride,
  type SynthesizedStack,
} from './template.js';
import { executionArnOf } from '../../lambdas/core/aws/arns.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The task a piece of code runs for (see {@link currentTask}). */
export interface TaskContext {
  /** Unique per task run in this runner. */
  readonly taskId: number;
  readonly executionName: string;
  readonly stateName: string;
}

const taskStorage = new AsyncLocalStorage<TaskContext>();

/** The execution and state of the task the caller runs in, when it runs in one. */
export function currentTask(): TaskContext | undefined {
  return taskStorage.getStore();
}

/** The error Step Functions reports for an invocation that died (a Lambda timeout). */
export const SIMULATED_CRASH_ERROR = 'Lambda.Unknown';

/** Tasks whose invocation must die after the handler: a Zscaler call got `crash-after-side-effect`. */
const crashingTasks = new WeakSet<TaskContext>();
const requestTasks = new WeakMap<object, TaskContext>();
let watchingCrashes = false;

/**
 * Follows undici's requests through its diagnostics channels: a request is created synchronously in
 * the caller's async context (so in its task), and its response headers tell whether the simulator
 * chose the crash fault for it. Handlers stay untouched: no test hook reaches production code.
 */
function watchSimulatedCrashes(): void {
  if (watchingCrashes) return;
  watchingCrashes = true;
  subscribe('undici:request:create', (message) => {
    const task = taskStorage.getStore();
    if (task) requestTasks.set((message as { request: object }).request, task);
  });
  subscribe('undici:request:headers', (message) => {
    const { request, response } = message as { request: object; response: { headers: ReadonlyArray<Buffer | string> } };
    const task = requestTasks.get(request);
    if (task && hasCrashHeader(response.headers)) crashingTasks.add(task);
  });
}

function hasCrashHeader(raw: ReadonlyArray<Buffer | string>): boolean {
  for (let index = 0; index + 1 < raw.length; index += 2) {
    if (String(raw[index]).toLowerCase() === SIMULATED_CRASH_HEADER && String(raw[index + 1]) === 'crash-after-side-effect') return true;
  }
  return false;
}

/** One task run, as the runner recorded it. */
export interface TaskRun {
  readonly taskId: number;
  readonly executionName: string;
  readonly stateName: string;
  readonly functionLogicalId: string;
  readonly input: unknown;
  output?: unknown;
  error?: { name: string; message: string };
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';

/** One local execution. */
export interface LocalExecution {
  readonly name: string;
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly input: unknown;
  readonly startedAt: number;
  status: ExecutionStatus;
  output?: unknown;
  error?: { Error: string; Cause: unknown };
  /** Names of the states entered, in order. */
  readonly states: string[];
  /** Settles when the execution ends (never rejects). */
  readonly done: Promise<void>;
}

/** Hooks around every Lambda task, e.g. to act while a scan runs. */
export interface TaskHooks {
  before?(task: TaskContext & { input: unknown }): Promise<void> | void;
  after?(task: TaskContext & { input: unknown; output?: unknown; error?: Error }): Promise<void> | void;
}

export interface LocalRunnerOptions {
  readonly stack: SynthesizedStack;
  /** Local values of resource references (e.g. the state table's local name). */
  readonly refs?: RefOverride;
  /** Environment variables applied over the functions' template environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Real milliseconds every Wait state takes (one number, or per state name; others 0). @default 0 */
  readonly waitMs?: number | Readonly<Record<string, number>>;
  /** Real milliseconds between retries. @default 0 */
  readonly retryIntervalMs?: number;
  readonly hooks?: TaskHooks;
  /** Local handlers of non-Lambda tasks, by state name. */
  readonly serviceTasks?: Readonly<Record<string, (input: unknown) => Promise<unknown>>>;
  /** Remaining time each handler invocation sees. @default 60000 */
  readonly lambdaTimeoutMs?: number;
  /** Called for each state entered (progress output). */
  readonly onState?: (execution: LocalExecution, state: { name: string; type: string; input: unknown }) => void;
}

interface LoadedHandler {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
}

const LAMBDA_INVOKE = /^arn:aws[a-z-]*:states:::lambda:invoke$/;
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9-_]+)(:.+)?$/;

/** Runs state machines of one synthesized stack with its real handlers. */
export class LocalStateMachineRunner {
  readonly resolver: TokenResolver;
  readonly taskRuns: TaskRun[] = [];
  readonly executions = new Map<string, LocalExecution>();
  readonly #options: LocalRunnerOptions;
  readonly #modules = new Map<string, Promise<LoadedHandler>>();
  readonly #functionByName = new Map<string, string>();
  readonly #machines = new Map<string, { definition: Record<string, unknown>; machine: StateMachine }>();
  #nextTaskId = 1;

  constructor(options: LocalRunnerOptions) {
    watchSimulatedCrashes();
    this.#options = options;
    this.resolver = new TokenResolver(options.stack.template, options.stack.stackName, options.refs);
    for (const logicalId of resourcesOfType(options.stack.template, 'AWS::Lambda::Function')) {
      this.#functionByName.set(logicalId, logicalId);
      this.#functionByName.set(this.resolver.arnOf(logicalId), logicalId);
      this.#functionByName.set(this.resolver.resolveString({ Ref: logicalId }), logicalId);
    }
  }

  /**
   * Puts every function's environment (resolved) and the overrides into `process.env`. Call it once,
   * before the first invocation: handlers read their environment when first used. Two functions
   * that need different values for one variable cannot share a process, so that is an error.
   * Powertools stays quiet unless the process says otherwise: its log lines and EMF metric lines on
   * stdout would mix with the caller's output (tests that read them turn them on).
   */
  applyEnvironment(): Record<string, string> {
    const merged: Record<string, string> = {};
    for (const logicalId of Object.keys(this.#options.stack.handlerEntries)) {
      for (const [name, value] of Object.entries(functionEnvironment(this.#options.stack.template, this.resolver, logicalId))) {
        if (merged[name] !== undefined && merged[name] !== value && this.#options.env?.[name] === undefined) {
          throw new Error(`functions disagree on ${name}; pass a local value for it in env`);
        }
        merged[name] = value;
      }
    }
    Object.assign(
      merged,
      {
        AWS_REGION: LOCAL_REGION,
        POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
        POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      },
      this.#options.env,
    );
    Object.assign(process.env, merged);
    return merged;
  }

  /** Logical id of the first state machine whose construct path contains `pathPart`. */
  stateMachineLogicalId(pathPart: string): string {
    const [logicalId] = resourcesOfType(this.#options.stack.template, 'AWS::StepFunctions::StateMachine', pathPart);
    if (!logicalId) throw new Error(`no state machine under a construct path containing "${pathPart}"`);
    return logicalId;
  }

  /** Logical id of the function whose construct path contains `pathPart`. */
  functionLogicalId(pathPart: string): string {
    const [logicalId] = resourcesOfType(this.#options.stack.template, 'AWS::Lambda::Function', pathPart).filter(
      (id) => this.#options.stack.handlerEntries[id] !== undefined,
    );
    if (!logicalId) throw new Error(`no function with a handler under a construct path containing "${pathPart}"`);
    return logicalId;
  }

  /** Invokes a function's real handler in-process, as Lambda would (errors shaped like Lambda's). */
  async invoke(functionLogicalId: string, event: unknown): Promise<unknown> {
    const entry = this.#options.stack.handlerEntries[functionLogicalId];
    if (!entry) throw new Error(`no handler module is known for function ${functionLogicalId}`);
    let loaded = this.#modules.get(entry);
    if (!loaded) {
      loaded = import(entry) as Promise<LoadedHandler>;
      this.#modules.set(entry, loaded);
    }
    const { handler } = await loaded;
    const timeoutMs = this.#options.lambdaTimeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    const context = {
      functionName: functionLogicalId,
      functionVersion: '$LATEST',
      invokedFunctionArn: this.resolver.arnOf(functionLogicalId),
      memoryLimitInMB: '256',
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${functionLogicalId}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: false,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    try {
      return await handler(structuredClone(event), context);
    } catch (caught) {
      throw asLambdaError(caught);
    }
  }

  /**
   * One StateMachine per definition, reused by every execution: constructing one validates the
   * definition (a fresh JSON-schema validator each time, ~125 ms), and executions do not share state.
   */
  #machine(stateMachineLogicalId: string): { definition: Record<string, unknown>; machine: StateMachine } {
    let entry = this.#machines.get(stateMachineLogicalId);
    if (!entry) {
      const definition = stateMachineDefinition(this.#options.stack.template, this.resolver, stateMachineLogicalId);
      entry = { definition, machine: new StateMachine(definition as unknown as StateMachineDefinition) };
      this.#machines.set(stateMachineLogicalId, entry);
    }
    return entry;
  }

  /** Starts an execution (not awaited); see {@link idle}. Names must be unique per state machine. */
  start(stateMachineLogicalId: string, request: { name?: string; input: unknown }): LocalExecution {
    const name = request.name ?? randomUUID();
    const stateMachineArn = this.resolver.arnOf(stateMachineLogicalId);
    const executionArn = executionArnOf(stateMachineArn, name);
    if (this.executions.has(executionArn)) throw new Error(`execution ${name} already exists`);
    const { definition, machine } = this.#machine(stateMachineLogicalId);
    const states: string[] = [];
    const execution: LocalExecution = {
      name,
      executionArn,
      stateMachineArn,
      input: request.input,
      startedAt: Date.now(),
      status: 'RUNNING',
      states,
      done: Promise.resolve(),
    };
    const run = machine.run(request.input as Json, {
      overrides: this.#overrides(definition, name),
      context: {
        Execution: { Id: executionArn, Name: name, StartTime: new Date(execution.startedAt).toISOString(), Input: request.input as Json },
        StateMachine: { Id: stateMachineArn, Name: stateMachineLogicalId },
      },
    });
    const followEvents = (async () => {
      for await (const event of run.eventLogs) {
        if (event.type === 'StateEntered') {
          states.push(event.state.name);
          this.#options.onState?.(execution, { name: event.state.name, type: event.state.type, input: event.state.input });
        }
        if (event.type === 'ExecutionFailed') execution.error = { Error: event.Error, Cause: event.Cause };
      }
    })();
    (execution as { done: Promise<void> }).done = run.result.then(
      async (output) => {
        await followEvents;
        execution.status = 'SUCCEEDED';
        execution.output = output;
      },
      async (error: unknown) => {
        await followEvents.catch(() => undefined);
        execution.status = error instanceof ExecutionTimeoutError ? 'TIMED_OUT' : 'FAILED';
        execution.error ??= { Error: (error as Error).name, Cause: (error as Error).message };
      },
    );
    this.executions.set(executionArn, execution);
    return execution;
  }

  /** Resolves when every execution, including those started meanwhile, has ended. */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.executions.values()].filter((execution) => execution.status === 'RUNNING');
      if (running.length === 0) return;
      await Promise.all(running.map((execution) => execution.done));
    }
  }

  #overrides(definition: Record<string, unknown>, executionName: string) {
    const taskResourceLocalHandlers: Record<string, (input: Json) => Promise<Json>> = {};
    const waitTimeOverrides: Record<string, number> = {};
    const retryIntervalOverrides: Record<string, number> = {};
    const waitMs = this.#options.waitMs ?? 0;
    for (const [stateName, state] of allStates(definition)) {
      if (state.Type === 'Wait') waitTimeOverrides[stateName] = typeof waitMs === 'number' ? waitMs : (waitMs[stateName] ?? 0);
      if (Array.isArray(state.Retry)) retryIntervalOverrides[stateName] = this.#options.retryIntervalMs ?? 0;
      if (state.Type === 'Task') {
        taskResourceLocalHandlers[stateName] = (input) => this.#runTask(executionName, stateName, String(state.Resource), input) as Promise<Json>;
      }
    }
    return { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides };
  }

  async #runTask(executionName: string, stateName: string, resource: string, input: unknown): Promise<unknown> {
    const context: TaskContext = { taskId: this.#nextTaskId++, executionName, stateName };
    return taskStorage.run(context, async () => {
      await this.#options.hooks?.before?.({ ...context, input });
      let output: unknown;
      let failure: Error | undefined;
      const viaIntegration = LAMBDA_INVOKE.test(resource);
      const target = viaIntegration ? String((input as { FunctionName?: unknown }).FunctionName) : resource;
      const functionLogicalId = this.#functionByName.get(target) ?? LAMBDA_ARN.exec(target)?.[1];
      const run: TaskRun = { taskId: context.taskId, executionName, stateName, functionLogicalId: functionLogicalId ?? '', input };
      this.taskRuns.push(run);
      try {
        if (functionLogicalId && this.#options.stack.handlerEntries[functionLogicalId]) {
          const payload = viaIntegration ? (input as { Payload?: unknown }).Payload : input;
          const result = await this.invoke(functionLogicalId, payload);
          output = viaIntegration ? { Payload: result ?? null, StatusCode: 200, ExecutedVersion: '$LATEST' } : (result ?? null);
        } else {
          const local = this.#options.serviceTasks?.[stateName];
          if (!local) throw new Error(`no local handler for task ${stateName} (${resource})`);
          output = await local(input);
        }
        if (crashingTasks.has(context)) {
          throw asLambdaError(
            Object.assign(new Error(`${stateName}: the invocation died after its Zscaler call succeeded (simulated Lambda timeout)`), { name: SIMULATED_CRASH_ERROR }),
          );
        }
        run.output = output;
        return output;
      } catch (caught) {
        failure = caught as Error;
        run.error = { name: failure.name, message: failure.message };
        throw caught;
      } finally {
        await this.#options.hooks?.after?.({ ...context, input, ...(failure ? { error: failure } : { output }) });
      }
    });
  }
}

/** Every state of a definition, including those inside Map and Parallel states. */
function* allStates(definition: Record<string, unknown>): Generator<[string, Record<string, unknown>]> {
  const states = (definition.States ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, state] of Object.entries(states)) {
    yield [name, state];
    for (const nested of [state.ItemProcessor, state.Iterator, ...((state.Branches as unknown[]) ?? [])]) {
      if (nested && typeof nested === 'object') yield* allStates(nested as Record<string, unknown>);
    }
  }
}

/** An error as Step Functions sees a failed Lambda invocation: name kept, Cause = Lambda's JSON. */
function asLambdaError(caught: unknown): Error {
  const error = caught instanceof Error ? caught : new Error(String(caught));
  const shaped = new Error(JSON.stringify({ errorType: error.name, errorMessage: error.message, trace: [] }));
  shaped.name = error.name;
  return shaped;
}

export { LOCAL_ACCOUNT, LOCAL_REGION };
