/**
 * `npm run test:fuzz`: the randomised tests with fresh seeds. Runs every test file that uses
 * fast-check and both fault campaigns, with one new base seed from which each test derives its
 * own (test/helpers/seeds.ts), prints the base seed and every derived seed, and says how to replay.
 *
 *   npm run test:fuzz                          # a fresh base seed
 *   npm run test:fuzz -- --seed 123456789      # replay that run exactly
 *   npm run test:fuzz -- --seed 123456789 test/property   # only the files whose path contains it
 *
 * Other arguments go to jest as they are (e.g. `-t renderSlack`). The campaign size follows
 * `ZSA_FAULT_RUNS` as in `npm test`.
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { campaignSeed, FUZZ_SEED_VARIABLE, propertySeed, SEED_LIMIT } from './seeds.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CAMPAIGNS = ['test/e2e/faults/scan-campaign.test.ts', 'test/e2e/faults/diagnostics-campaign.test.ts'] as const;

function testFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Files that import fast-check (found by reading them, so a new property test is never missed). */
function propertyFiles(): string[] {
  return testFiles('test')
    .filter((path) => /from ['"]fast-check['"]/.test(readFileSync(join(root, path), 'utf8')))
    .sort();
}

function parseArgs(argv: readonly string[]): { seed: number; filters: string[]; jestArgs: string[] } {
  let seed: number | undefined;
  const filters: string[] = [];
  const jestArgs: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--seed') {
      seed = Number(argv[++i]);
      if (!Number.isInteger(seed) || seed < 1 || seed > SEED_LIMIT) throw new Error(`--seed takes an integer from 1 to ${SEED_LIMIT}`);
    } else if (arg.startsWith('-')) {
      jestArgs.push(arg);
      // jest options that take a value (e.g. -t name) keep it with them.
      if (i + 1 < argv.length && !argv[i + 1]!.startsWith('-') && !arg.includes('=') && ['-t', '--testNamePattern', '--maxWorkers', '-w'].includes(arg)) jestArgs.push(argv[++i]!);
    } else {
      filters.push(arg);
    }
  }
  return { seed: seed ?? randomInt(1, SEED_LIMIT), filters, jestArgs };
}

const { seed, filters, jestArgs } = parseArgs(process.argv.slice(2));
process.env[FUZZ_SEED_VARIABLE] = String(seed);
const files = [...propertyFiles(), ...CAMPAIGNS].filter((path) => filters.length === 0 || filters.some((filter) => path.includes(filter)));
if (files.length === 0) {
  console.error(`no randomised test file matches ${filters.join(' ')}`);
  process.exit(2);
}

const replay = `npm run test:fuzz -- --seed ${seed}${filters.length > 0 ? ` ${filters.join(' ')}` : ''}`;
console.log(`fuzz base seed ${seed} (replay: ${replay})`);
for (const file of files) {
  const campaign = file === CAMPAIGNS[0] ? 'scan' : file === CAMPAIGNS[1] ? 'diagnostics' : undefined;
  const line = campaign
    ? `  ${file}: first run seed ${campaignSeed(campaign)}${process.env.ZSA_FAULT_SEED ? ' (ZSA_FAULT_SEED)' : ''}`
    : `  ${file}: fast-check seed ${propertySeed(file)}`;
  console.log(line);
}

const child = spawn(
  process.execPath,
  ['--experimental-vm-modules', join(root, 'node_modules/jest/bin/jest.js'), '--runTestsByPath', ...files, ...jestArgs],
  { cwd: root, stdio: 'inherit', env: process.env },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  console.log(`fuzz base seed ${seed}: ${code === 0 ? 'passed' : 'FAILED'} (replay: ${replay})`);
  process.exit(code ?? (signal ? 1 : 0));
});
