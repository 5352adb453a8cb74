/**
 * Rewrites test-durations.json (the test sequencer's estimates for a fresh clone) from a jest JSON
 * report: `node --experimental-vm-modules node_modules/jest/bin/jest.js --json --outputFile /tmp/jest.json`
 * then `node test/helpers/update-test-durations.mjs /tmp/jest.json`. Files under 2 s are left out.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const [report] = process.argv.slice(2);
if (!report) throw new Error('usage: update-test-durations.mjs <jest --json report>');
const root = fileURLToPath(new URL('../../', import.meta.url));
const { testResults } = JSON.parse(readFileSync(report, 'utf8'));
const rows = testResults
  .map((result) => [relative(root, result.name).split('\\').join('/'), (result.endTime - result.startTime) / 1000])
  .filter(([, seconds]) => seconds >= 2)
  .sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
writeFileSync(new URL('test-durations.json', import.meta.url), `${JSON.stringify(Object.fromEntries(rows.map(([file, seconds]) => [file, Math.round(seconds)])), null, 2)}\n`);
console.log(`${rows.length} estimates written`);
