import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../lib/constructs/team-function.js';
import { LICENSE_ID } from './support.js';

const run = promisify(execFile);
const TSX = resolve(PROJECT_ROOT, 'node_modules/.bin/tsx');

/** Runs bin/app.ts as the CDK CLI would, with `context` as the CLI's context. */
async function synth(context: Record<string, unknown>): Promise<{ code: number; stderr: string; outdir: string }> {
  const outdir = mkdtempSync(join(tmpdir(), 'zsa-cdk-out-'));
  // Bundling is proven in team-function-bundling.test.ts; skipping it here keeps the full synth fast.
  const env = { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [], ...context }) };
  try {
    const { stderr } = await run(TSX, ['bin/app.ts'], { cwd: PROJECT_ROOT, env });
    return { code: 0, stderr, outdir };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr, outdir };
  }
}

jest.setTimeout(120_000);

describe('bin/app.ts', () => {
  it('prints each configuration problem and exits 1 on an invalid config', async () => {
    const result = await synth({ zsa: { zcspmLicenseId: 'not-a-guid', accountMappings: { '1234': LICENSE_ID } } });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Invalid deployment configuration (cdk.json context "zsa"):');
    expect(result.stderr).toContain('zsa.zcspmLicenseId: expected a GUID');
    expect(result.stderr).toContain('zsa.accountMappings.1234: expected a 12-digit AWS account id');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('synthesizes the default config with an empty cdk-nag validation report', async () => {
    const result = await synth({ zsa: { zcspmLicenseId: LICENSE_ID } });

    const report = JSON.parse(readFileSync(join(result.outdir, 'validation-report.json'), 'utf8')) as { pluginReports: unknown[] };
    expect(result.code).toBe(0);
    expect(report.pluginReports).toEqual([]);
  });
});
