/**
 * Loads the benchmarks other teams own (bench/polling.ts, bench/fanout.ts, bench/webhook-latency.ts)
 * by convention, dynamically, so `npm run bench` fails with a clear message naming a module that is
 * not there yet instead of failing to start, and never invents a figure.
 *
 * Convention for such a module: it exports one `run...Benchmark(options?)` function (sync or async)
 * returning `{ figures, ... }` (or the figures themselves), and may export `format...Report(report)`
 * or `format...Table(report)` returning the text to print. The figures are parsed with the schema
 * of the bench document: extra keys are dropped, a missing or mistyped key is an error naming it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';

/** A benchmark owned by another team. */
export interface TeamBenchmarkSpec<TSchema extends z.ZodType> {
  /** File under bench/, e.g. `fanout.ts`. */
  readonly file: string;
  /** Who writes it, for the error message. */
  readonly owner: string;
  /** What its figures are, for the error message. */
  readonly measures: string;
  readonly schema: TSchema;
}

/** A loaded team benchmark, ready to run. */
export interface LoadedTeamBenchmark<T> {
  readonly file: string;
  run(): Promise<{ figures: T; text: string | undefined }>;
}

/** The module is not there (yet): its figures cannot be measured. */
export class MissingBenchmarkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingBenchmarkError';
  }
}

const RUN_EXPORT = /^run\w*Benchmark$/;
const FORMAT_EXPORT = /^format\w*(Report|Table)$/;

/** Imports `bench/<file>` and checks it follows the convention (see the file comment). */
export async function loadTeamBenchmark<TSchema extends z.ZodType>(benchDir: string, spec: TeamBenchmarkSpec<TSchema>): Promise<LoadedTeamBenchmark<z.infer<TSchema>>> {
  const path = join(benchDir, spec.file);
  if (!existsSync(path)) {
    throw new MissingBenchmarkError(`bench/${spec.file} does not exist yet (${spec.owner}): the ${spec.measures} cannot be measured`);
  }
  const loaded = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const runners = Object.entries(loaded).filter(([name, value]) => RUN_EXPORT.test(name) && typeof value === 'function');
  if (runners.length !== 1) {
    throw new MissingBenchmarkError(
      `bench/${spec.file} (${spec.owner}) must export exactly one run...Benchmark() function for the ${spec.measures}; it exports ${Object.keys(loaded).join(', ') || 'nothing'}`,
    );
  }
  const [runName, run] = runners[0] as [string, (options?: unknown) => unknown];
  const formatter = Object.entries(loaded).find(([name, value]) => FORMAT_EXPORT.test(name) && typeof value === 'function')?.[1] as ((report: unknown) => unknown) | undefined;
  return {
    file: spec.file,
    async run() {
      const report = await run();
      const candidate = typeof report === 'object' && report !== null && 'figures' in report ? (report as { figures: unknown }).figures : report;
      const parsed = spec.schema.safeParse(candidate);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(figures)'}: ${issue.message}`).join('; ');
        throw new Error(`bench/${spec.file} ${runName}() returned figures that do not fit the bench document: ${issues}`);
      }
      const text = formatter ? formatter(report) : undefined;
      return { figures: parsed.data as z.infer<TSchema>, text: typeof text === 'string' ? text : undefined };
    },
  };
}
