/**
 * Benchmark (not a test): bundle size and cold-start init time of every Lambda, against a baseline.
 *
 * Every handler file (`lambdas/<slice>/handlers/<name>.ts`) that exports `handler` is bundled by the
 * CDK with the deployed functions' settings (bench/lib/cdk-bundles.ts), together with the baseline,
 * a bare handler that imports only the DynamoDB client (bench/lib/baseline-handler.ts). Then, round after round, each bundle is
 * imported by a fresh Node process (bench/lib/init-probe.ts) in a shuffled order, so the handlers
 * and the baseline share the machine's load; `initMs` and `baselineInitMs` are the medians of the
 * CPU time of the import (wall time is shown next to them; see bench/lib/init-probe.ts why).
 * One untimed warm-up round first puts every bundle in the file cache.
 *
 * Target: `initMs <= 1.5 x baselineInitMs` for every Lambda. For each bundle the report
 * also gives its composition (bench/lib/bundle-composition.ts), which explains a miss.
 *
 * Run alone: `npx tsx bench/bundles.ts [--runs N]`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../lib/constructs/team-function.js';
import { analyzeBundle, type BundleComposition } from './lib/bundle-composition.js';
import { bundleWithCdk, type BundleEntry, type CdkBundle } from './lib/cdk-bundles.js';
import { TARGETS } from './lib/document.js';
import { lambdaLikeEnvironment, probeInit, type InitSample } from './lib/init-probe.js';
import { median, round, shuffled } from './lib/stats.js';
import { formatTable } from './lib/table.js';

/** `initMs` may be at most this many times `baselineInitMs`. */
export const INIT_TARGET_RATIO = TARGETS.initRatio;

/** The baseline's name in tables and logs. */
export const BASELINE_NAME = 'baseline (DynamoDB client only)';

const BASELINE_ENTRY: BundleEntry = { name: BASELINE_NAME, entry: 'bench/lib/baseline-handler.ts' };
/** Every slice keeps its Lambda entries in its own `handlers/` folder. */
const HANDLER_DIRS = ['lambdas/scan/handlers', 'lambdas/diagnostics/handlers', 'lambdas/operations/handlers'];
const HANDLER_EXPORT = /export\s+(?:const|let|var|async\s+function|function)\s+handler\b/;

/** What `npm run bench -- --json` reports per Lambda under `bundles`. */
export interface BundleFigure {
  readonly name: string;
  readonly bytes: number;
  readonly initMs: number;
  readonly baselineInitMs: number;
}

/** One Lambda's row, with what explains it. */
export interface BundleResult extends BundleFigure {
  readonly entry: string;
  readonly bundlePath: string;
  /** `initMs / baselineInitMs`. */
  readonly ratio: number;
  readonly meetsTarget: boolean;
  /** Median Node bootstrap before the import (the same for every bundle; not part of `initMs`). */
  readonly startupMs: number;
  /** Median wall time of the import (`initMs` is its CPU time, see bench/lib/init-probe.ts). */
  readonly wallMs: number;
  readonly composition: BundleComposition;
}

/** Every Lambda's result and the baseline they are compared with. */
export interface BundleBenchmarkReport {
  readonly results: readonly BundleResult[];
  readonly baseline: { readonly bytes: number; readonly initMs: number; readonly wallMs: number; readonly startupMs: number; readonly composition: BundleComposition };
  /** Timed rounds (each bundle imported once per round). */
  readonly runs: number;
}

/** Options of {@link runBundleBenchmark}. */
export interface BundleBenchmarkOptions {
  /** Timed rounds. @default 11 */
  readonly runs?: number;
  /** Where the CDK writes its cloud assembly (emptied first). @default bench/out/cdk-bundles */
  readonly outdir?: string;
  /** Entries to bundle. @default every handler of every slice */
  readonly entries?: readonly BundleEntry[];
  /** Progress lines (stderr in `npm run bench`). */
  readonly progress?: (line: string) => void;
}

/** The Lambda entries: the files of every slice's `handlers/` folder that export `handler`, by name. */
export function handlerEntries(root = PROJECT_ROOT): BundleEntry[] {
  return HANDLER_DIRS.flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
      .filter((file) => HANDLER_EXPORT.test(readFileSync(join(root, dir, file), 'utf8')))
      .map((file) => ({ name: file.replace(/\.ts$/, ''), entry: `${dir}/${file}` })),
  ).sort((a, b) => a.name.localeCompare(b.name));
}

/** Bundles every handler and the baseline; returns the bundles (the memory benchmark reuses them). */
export function bundleHandlers(options: Pick<BundleBenchmarkOptions, 'outdir' | 'entries'> = {}): { handlers: CdkBundle[]; baseline: CdkBundle } {
  const entries = options.entries ?? handlerEntries();
  const bundles = bundleWithCdk([BASELINE_ENTRY, ...entries], options.outdir ?? join(PROJECT_ROOT, 'bench', 'out', 'cdk-bundles'));
  const [baseline, ...handlers] = bundles;
  return { handlers, baseline: baseline as CdkBundle };
}

/** Measures already-built bundles against the baseline, interleaved. */
export async function measureBundles(
  bundles: { handlers: readonly CdkBundle[]; baseline: CdkBundle },
  options: Pick<BundleBenchmarkOptions, 'runs' | 'progress'> = {},
): Promise<BundleBenchmarkReport> {
  const runs = options.runs ?? 11;
  const progress = options.progress ?? (() => undefined);
  const all = [bundles.baseline, ...bundles.handlers];
  const samples = new Map<CdkBundle, InitSample[]>(all.map((bundle) => [bundle, []]));

  progress(`cold starts: ${all.length} bundles x (1 warm-up + ${runs}) fresh Node processes`);
  for (let round = 0; round <= runs; round += 1) {
    for (const bundle of shuffled(all)) {
      const sample = await probeInit(bundle.bundlePath, lambdaLikeEnvironment(bundle.name));
      if (round > 0) samples.get(bundle)?.push(sample);
    }
    if (round > 0 && (round % 5 === 0 || round === runs)) progress(`cold starts: round ${round}/${runs}`);
  }

  const summarize = (bundle: CdkBundle) => {
    const taken = samples.get(bundle) ?? [];
    return {
      initMs: median(taken.map((sample) => sample.initMs)),
      wallMs: median(taken.map((sample) => sample.wallMs)),
      startupMs: median(taken.map((sample) => sample.startupMs)),
    };
  };
  const baseline = { bytes: bundles.baseline.bytes, ...summarize(bundles.baseline), composition: analyzeBundle(bundles.baseline.metafile) };
  const results = bundles.handlers.map((bundle): BundleResult => {
    const { initMs, wallMs, startupMs } = summarize(bundle);
    const ratio = initMs / baseline.initMs;
    return {
      name: bundle.name,
      entry: bundle.entry,
      bundlePath: bundle.bundlePath,
      bytes: bundle.bytes,
      initMs: round(initMs),
      baselineInitMs: round(baseline.initMs),
      ratio: round(ratio, 2),
      meetsTarget: ratio <= INIT_TARGET_RATIO,
      startupMs: round(startupMs),
      wallMs: round(wallMs),
      composition: analyzeBundle(bundle.metafile),
    };
  });
  return { results, baseline: { ...baseline, initMs: round(baseline.initMs), wallMs: round(baseline.wallMs), startupMs: round(baseline.startupMs) }, runs };
}

/** Bundles and measures (see the file comment). */
export async function runBundleBenchmark(options: BundleBenchmarkOptions = {}): Promise<BundleBenchmarkReport> {
  options.progress?.('bundling every handler and the baseline through the CDK (teamLambdaCode, split ESM)');
  return measureBundles(bundleHandlers(options), options);
}

/** The JSON figures of the report (`bundles` in the bench document). */
export function bundleFigures(report: BundleBenchmarkReport): BundleFigure[] {
  return report.results.map(({ name, bytes, initMs, baselineInitMs }) => ({ name, bytes, initMs, baselineInitMs }));
}

/** The table `npm run bench` prints. */
export function formatBundleTable(report: BundleBenchmarkReport): string {
  const kb = (bytes: number) => round(bytes / 1024, 0);
  const rows = report.results.map((result) => [
    result.name,
    kb(result.bytes),
    kb(result.composition.eagerBytes),
    result.initMs,
    result.baselineInitMs,
    result.ratio,
    result.wallMs,
    result.meetsTarget ? 'ok' : `MISS (> ${INIT_TARGET_RATIO}x)`,
    topPackages(result.composition, 3),
  ]);
  rows.push([BASELINE_NAME, kb(report.baseline.bytes), kb(report.baseline.composition.eagerBytes), report.baseline.initMs, report.baseline.initMs, 1, report.baseline.wallMs, '', topPackages(report.baseline.composition, 3)]);
  return formatTable(['bundle', 'KB', 'eager KB', 'initMs', 'baselineMs', 'ratio', 'wall ms', 'target', 'largest parts (KB, * = evaluated at import)'], rows);
}

/**
 * Why each Lambda that misses the target is slow, from its composition: the heaviest parts
 * evaluated at import, the AWS SDK clients it carries, and the `import()`s of project code.
 */
export function explainMisses(report: BundleBenchmarkReport): string[] {
  const baselinePackages = new Set(report.baseline.composition.packages.map((share) => share.name));
  return report.results
    .filter((result) => !result.meetsTarget)
    .map((result) => {
      const extra = result.composition.packages.filter((share) => !baselinePackages.has(share.name) && share.eagerBytes > 8 * 1024).slice(0, 6);
      const clients = result.composition.awsSdkClients.map((client) => `${client.name.replace('@aws-sdk/client-', '')}${client.eager ? '' : ' (lazy)'}`);
      const lazyTargets = [...new Set(result.composition.dynamicImports.map((edge) => edge.target))];
      return (
        `${result.name}: ${result.initMs} ms vs ${result.baselineInitMs} ms (${result.ratio}x); evaluated at import beyond the baseline: ` +
        `${extra.map((share) => `${share.name} ${round(share.eagerBytes / 1024, 0)} KB`).join(', ') || 'nothing large'}` +
        `; SDK clients in the bundle: ${clients.join(', ') || 'none'}` +
        (lazyTargets.length > 0 ? `; import() targets (separate chunks, loaded on first use): ${lazyTargets.join(', ')}` : '')
      );
    });
}

function topPackages(composition: BundleComposition, count: number): string {
  return composition.packages
    .slice(0, count)
    .map((share) => `${share.name} ${round(share.bytes / 1024, 0)}${share.eagerBytes > 0 ? '*' : ''}`)
    .join(', ');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const runsFlag = process.argv.indexOf('--runs');
  const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : undefined;
  const report = await runBundleBenchmark({ ...(runs ? { runs } : {}), progress: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${formatBundleTable(report)}\n\n${explainMisses(report).join('\n')}\n`);
}
