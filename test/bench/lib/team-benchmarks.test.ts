import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebhookLatencySchema } from '../../../bench/lib/document.js';
import { MissingBenchmarkError, loadTeamBenchmark } from '../../../bench/lib/team-benchmarks.js';

const spec = (file: string) => ({ file, owner: 'diagnostics team', measures: 'webhook latency', schema: WebhookLatencySchema });

describe('team benchmarks', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zsa-bench-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('loadTeamBenchmark', () => {
    it('fails naming the module and its owner when the module does not exist', async () => {
      const missing = spec('webhook-latency.ts');

      const loading = loadTeamBenchmark(dir, missing);

      await expect(loading).rejects.toThrow(MissingBenchmarkError);
      await expect(loading).rejects.toThrow('bench/webhook-latency.ts does not exist yet (diagnostics team): the webhook latency cannot be measured');
    });

    it('fails listing the exports when the module has no run...Benchmark function', async () => {
      writeFileSync(join(dir, 'no-runner.mjs'), 'export const figures = { p50: 1, p99: 2 };\n');

      const loading = loadTeamBenchmark(dir, spec('no-runner.mjs'));

      await expect(loading).rejects.toThrow('must export exactly one run...Benchmark() function for the webhook latency; it exports figures');
    });

    it('returns the figures without extra keys, and the module formatter text', async () => {
      writeFileSync(
        join(dir, 'good.mjs'),
        'export async function runLatencyBenchmark() { return { figures: { p50: 1.5, p99: 7, samples: 500 } }; }\n' +
          'export function formatLatencyReport(report) { return `p99 ${report.figures.p99}`; }\n',
      );
      const loaded = await loadTeamBenchmark(dir, spec('good.mjs'));

      const result = await loaded.run();

      expect(result).toEqual({ figures: { p50: 1.5, p99: 7 }, text: 'p99 7' });
    });

    it('fails naming the field when the figures do not fit the document', async () => {
      writeFileSync(join(dir, 'bad.mjs'), 'export function runLatencyBenchmark() { return { p50: 1 }; }\n');
      const loaded = await loadTeamBenchmark(dir, spec('bad.mjs'));

      const running = loaded.run();

      await expect(running).rejects.toThrow('bench/bad.mjs runLatencyBenchmark() returned figures that do not fit the bench document: p99:');
    });
  });
});
