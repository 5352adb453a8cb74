import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/dynamodb-local.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The first ```bash block after `heading` in the README, as a user would copy it. */
function bashBlockAfter(heading: string): string {
  const section = README.slice(README.indexOf(heading));
  const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error(`no bash block after "${heading}"`);
  return block;
}

describe('README "Try the CLI against the simulator"', () => {
  it('runs as pasted: doctor passes, the scan gate fails on Red policies, the trace prints a diagnosis, and nothing is left running', async () => {
    // The block as written, on a free port and a private log file so parallel runs cannot collide.
    const port = String(await freePort());
    const dir = mkdtempSync(join(tmpdir(), 'zsa-readme-'));
    const script = bashBlockAfter('### Try the CLI against the simulator').replaceAll('8089', port).replaceAll('/tmp/zsa-simulator.log', join(dir, 'simulator.log'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(ZDX|ZCSPM|SLACK)_/.test(name)));

    // Job control on, as in an interactive shell, so `kill %1` stops the background job's process group.
    const run = spawnSync('bash', ['-c', `set -m\n${script}`], { cwd: new URL('../..', import.meta.url), env, encoding: 'utf8', timeout: 150_000 });
    const left = spawnSync('bash', ['-c', `ss -ltn 'sport = :${port}' | tail -n +2`], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });

    expect(run.status).toBe(0);
    // Every check that can run passes; without a Slack webhook or mappings, those two are skipped.
    expect(run.stdout).toMatch(/^\d+ passed, 2 skipped \(\d+ checks\)\.$/m);
    expect(run.stderr).toContain('AWS account 111122223333 is not mapped in accountMappings of cdk.json; using the license account "prod (111122223333)"');
    expect(run.stdout).toContain('✖ Gate failed: 3 Red policies (--fail-on red)');
    expect(run.stdout).toContain('scan gate exit code: 1');
    expect(run.stdout).toMatch(/^Verdict +the network$/m);
    expect(left.stdout.trim()).toBe('');
  });
});
