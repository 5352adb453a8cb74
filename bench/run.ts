/**
 * `npm run bench`: every benchmark of the project, side by side with its baseline, as readable
 * tables; `npm run bench -- --json` prints one JSON document (bench/lib/document.ts) on stdout and
 * everything else (progress, tables, targets) on stderr.
 *
 * Options: `--runs N` (cold-start rounds, default 11: keeps the whole run under 5 min on a shared
 * 2-core box), `--only a,b` (a subset of: bundles, token-economy, polling, fanout, firstLook,
 * webhook-latency, memory, storm; the JSON then has only those sections; storm also computes the
 * org-day cost model).
 * Benchmarks are not tests: the exit code is 0 whenever everything could be measured, targets met
 * or not; 1 when a benchmark could not run, with the reason; 2 on bad usage. No figure is ever made
 * up: a section that could not be measured is absent and the run fails.
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { bundleFigures, bundleHandlers, explainMisses, formatBundleTable, measureBundles } from './bundles.js';
import { formatFanoutReport, runFanoutBenchmark } from './fanout.js';
import { formatFirstLookReport, runFirstLookBenchmark } from './first-look.js';
import { checkTargets, BenchDocumentSchema, FanoutFiguresSchema, FirstLookFiguresSchema, OrgDayFiguresSchema, PollingFiguresSchema, StormFiguresSchema, WebhookLatencySchema, type BenchDocument } from './lib/document.js';
import { formatTable } from './lib/table.js';
import { formatMemoryTable, runMemoryBenchmark } from './memory.js';
import { formatPollingReport, runPollingBenchmark } from './polling.js';
import { formatOrgDayReport, formatStormReport, runOrgDayModel, runStormBenchmark } from './storm.js';
import { formatTokenEconomyTable, runTokenEconomyBenchmark } from './token-economy.js';
import { formatWebhookLatencyReport, runWebhookLatencyBenchmark } from './webhook-latency.js';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../local/dynamodb-local.js';

const BENCHMARKS = ['bundles', 'token-economy', 'polling', 'fanout', 'firstLook', 'webhook-latency', 'memory', 'storm'] as const;
type Benchmark = (typeof BENCHMARKS)[number];

interface Options {
  readonly json: boolean;
  readonly runs: number;
  readonly only: ReadonlySet<Benchmark>;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: { json: { type: 'boolean', default: false }, runs: { type: 'string' }, only: { type: 'string' }, help: { type: 'boolean', default: false } },
    strict: true,
  });
  if (values.help) {
    process.stderr.write(`usage: npm run bench [-- --json] [--runs N] [--only ${BENCHMARKS.join(',')}]\n`);
    process.exit(0);
  }
  const runs = values.runs === undefined ? 11 : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs must be a positive integer, got ${values.runs}`);
  const only = values.only === undefined ? [...BENCHMARKS] : values.only.split(',').map((name) => name.trim());
  const unknown = only.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new UsageError(`--only: unknown benchmark ${unknown.join(', ')} (known: ${BENCHMARKS.join(', ')})`);
  return { json: values.json ?? false, runs, only: new Set(only as Benchmark[]) };
}

class UsageError extends Error {}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  // With --json, stdout carries the document and nothing else: anything written meanwhile goes to stderr.
  const writeStdout = process.stdout.write.bind(process.stdout);
  if (options.json) process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const print = (text: string) => (options.json ? process.stderr : process.stdout).write(`${text}\n`);
  const started = Date.now();
  print(machineLine());
  print(`command: npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`);

  const document: BenchDocument = {};
  const failures: string[] = [];
  const attempt = async (name: Benchmark, body: () => Promise<void>) => {
    if (!options.only.has(name)) return;
    const begun = Date.now();
    try {
      await body();
      progress(`${name}: done in ${Math.round((Date.now() - begun) / 1000)} s`);
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message}`);
      progress(`${name}: FAILED: ${(error as Error).stack ?? (error as Error).message}`);
    }
  };

  let dynamo: RunningDynamoDbLocal | undefined;
  const dynamoEndpoint = async () => (dynamo ??= await startDynamoDbLocal()).endpoint;
  try {
    let bundles: ReturnType<typeof bundleHandlers> | undefined;
    if (options.only.has('bundles') || options.only.has('memory')) {
      progress('bundling every handler and the baseline through the CDK (teamLambdaCode, split ESM)');
      try {
        bundles = bundleHandlers();
      } catch (error) {
        failures.push(`bundles: ${(error as Error).message}`);
      }
    }
    await attempt('bundles', async () => {
      if (!bundles) throw new Error('nothing to measure: bundling failed');
      const report = await measureBundles(bundles, { runs: options.runs, progress });
      document.bundles = bundleFigures(report);
      const misses = explainMisses(report);
      print(`\nCold starts (median of ${report.runs} fresh Node processes per bundle, interleaved with the baseline; KB = 1024 bytes)\n${formatBundleTable(report)}`);
      if (misses.length > 0) print(`\nWhy (from esbuild's metafile):\n${misses.map((line) => `- ${line}`).join('\n')}`);
    });
    await attempt('token-economy', async () => {
      const report = await runTokenEconomyBenchmark({ dynamoEndpoint: await dynamoEndpoint(), progress });
      document.tokenEconomy = report.figures;
      print(`\nToken economy (one burst, ${report.seconds} s)\n${formatTokenEconomyTable(report)}`);
    });
    await attempt('polling', async () => {
      const report = runPollingBenchmark();
      document.polling = PollingFiguresSchema.parse(report.figures);
      print(`\n${formatPollingReport(report)}`);
    });
    await attempt('fanout', async () => {
      const report = await runFanoutBenchmark();
      document.fanout = FanoutFiguresSchema.parse(report.figures);
      print(`\n${formatFanoutReport(report)}`);
    });
    await attempt('firstLook', async () => {
      const report = await runFirstLookBenchmark();
      document.firstLook = FirstLookFiguresSchema.parse(report.figures);
      print(`\n${formatFirstLookReport(report)}`);
    });
    await attempt('webhook-latency', async () => {
      const report = await runWebhookLatencyBenchmark();
      document.webhookLatencyMs = WebhookLatencySchema.parse(report.figures);
      print(`\n${formatWebhookLatencyReport(report)}`);
    });
    await attempt('memory', async () => {
      if (!bundles) throw new Error('nothing to measure: bundling failed');
      const report = await runMemoryBenchmark({ bundles: bundles.handlers, dynamoEndpoint: await dynamoEndpoint(), progress });
      document.memory = report.results.map(({ name, peakRssMb }) => ({ name, peakRssMb }));
      print(`\nMemory (each bundle in its own process over one scan, one alert and one manual trace; ${report.seconds} s)\n${formatMemoryTable(report)}`);
      print(`executions: ${report.executions.join('; ')}`);
      if (report.unexpectedAwsCalls.length > 0) print(`unexpected AWS calls: ${report.unexpectedAwsCalls.join(', ')}`);
    });
    await attempt('storm', async () => {
      const endpoint = await dynamoEndpoint();
      const storm = await runStormBenchmark({ dynamoEndpoint: endpoint, progress });
      document.storm = StormFiguresSchema.parse(storm);
      print(`\n${formatStormReport(storm)}`);
      const day = await runOrgDayModel({ dynamoEndpoint: endpoint, progress });
      document.orgDay = OrgDayFiguresSchema.parse(day);
      print(`\n${formatOrgDayReport(day)}`);
    });
  } finally {
    await dynamo?.stop();
  }

  const checks = checkTargets(document);
  print(`\nTargets\n${formatTable(['target', 'met', 'figures'], checks.map((check) => [check.target, check.met, check.detail]))}`);
  print(`\n(${Math.round((Date.now() - started) / 1000)} s in all)`);
  if (failures.length > 0) {
    process.stderr.write(`\nnot measured:\n${failures.map((failure) => `  - ${failure}`).join('\n')}\n`);
    return 1;
  }
  if (options.json) writeStdout(`${JSON.stringify(BenchDocumentSchema.parse(document), null, 2)}\n`);
  return 0;
}

function machineLine(): string {
  const [model] = cpus().map((cpu) => cpu.model);
  const load = loadavg().map((value) => value.toFixed(1)).join(' ');
  return `machine: ${availableParallelism()} x ${model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, load ${load}; Node ${process.version} (${process.execPath})`;
}

process.exitCode = await main();
