import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { checkBundledFileNames } from '../../../lib/constructs/team-bundling.js';
import { TeamFunction, type TeamFunctionProps } from '../../../lib/constructs/team-function.js';
import { FIXTURE_HANDLER } from '../support.js';

/** Synthesizes one bundled TeamFunction and returns its asset directory. */
function bundle(props: Partial<TeamFunctionProps> & Pick<TeamFunctionProps, 'entry'>): string {
  const outdir = mkdtempSync(join(tmpdir(), 'zsa-bundle-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'BundleStack');
  new TeamFunction(stack, 'Bundled', { description: 'bundling check', invocation: 'sync', ...props });
  const resources = (app.synth().getStackByName('BundleStack').template as { Resources: Record<string, { Type: string; Properties: { Code?: { S3Key: string } } }> })
    .Resources;
  const s3Key = Object.values(resources).find((resource) => resource.Type === 'AWS::Lambda::Function')?.Properties.Code?.S3Key ?? '';
  return join(outdir, `asset.${s3Key.replace(/\.zip$/, '')}`);
}

/** Imports the bundle in a fresh Node process, as Lambda does, and returns what `handler()` resolves to. */
function runHandler(assetDir: string): unknown {
  const entry = join(assetDir, 'index.mjs');
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', `const { handler } = await import(${JSON.stringify(entry)}); console.log(JSON.stringify(await handler()));`], {
    encoding: 'utf8',
  });
  return JSON.parse(output);
}

describe('TeamFunction', () => {
  describe('bundling', () => {
    it('bundles an ESM handler with its CommonJS dependencies that runs in a fresh Node process', () => {
      const assetDir = bundle({ entry: 'test/infra/fixtures/cjs-dependency-handler.ts' });

      const entry = join(assetDir, 'index.mjs');
      expect(readFileSync(entry, 'utf8').startsWith("import { createRequire as __zsaCreateRequire } from 'node:module';")).toBe(true);
      expect(existsSync(`${entry}.map`)).toBe(true);
      expect(runHandler(assetDir)).toEqual({ ok: true, agentCanDispatch: true });
    });

    it('puts what only a dynamic import reaches in a chunk of its own, loaded when that path runs', () => {
      const assetDir = bundle({ entry: 'test/infra/fixtures/lazy-dependency-handler.ts' });

      const chunks = readdirSync(join(assetDir, 'chunks')).filter((file) => file.endsWith('.mjs'));
      const chunkWithLazyPart = chunks.filter((file) => readFileSync(join(assetDir, 'chunks', file), 'utf8').includes('LAZY_PART_MARKER'));
      expect(readFileSync(join(assetDir, 'index.mjs'), 'utf8')).not.toContain('LAZY_PART_MARKER');
      expect(chunkWithLazyPart).toHaveLength(1);
      expect(runHandler(assetDir)).toEqual({ ok: true, lazy: 'LAZY_PART_MARKER loaded on demand' });
    });
  });

  describe('bundledFiles', () => {
    it('puts each file next to the bundle, content unchanged, however large', () => {
      const mappings = Object.fromEntries(
        Array.from({ length: 1000 }, (_, index) => [String(300000000000 + index), `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`]),
      );
      const content = JSON.stringify(mappings);

      const assetDir = bundle({ entry: FIXTURE_HANDLER, bundledFiles: { 'account-mappings.json': content } });

      expect(existsSync(join(assetDir, 'index.mjs'))).toBe(true);
      expect(readFileSync(join(assetDir, 'account-mappings.json'), 'utf8')).toBe(content);
    });

    it('changes the asset when a file changes, so new mappings redeploy the function', () => {
      const first = bundle({ entry: FIXTURE_HANDLER, bundledFiles: { 'account-mappings.json': '{"111122223333":"00000000-0000-4000-8000-000000000001"}' } });
      const second = bundle({ entry: FIXTURE_HANDLER, bundledFiles: { 'account-mappings.json': '{"111122223333":"00000000-0000-4000-8000-000000000002"}' } });

      expect(first.split('asset.')[1]).not.toBe(second.split('asset.')[1]);
    });

    it('refuses a path instead of a file name, and a name that would overwrite the bundle', () => {
      expect(() => checkBundledFileNames({ '../account-mappings.json': '{}' })).toThrow('"../account-mappings.json" must be a plain file name');
      expect(() => checkBundledFileNames({ 'index.mjs': '' })).toThrow('"index.mjs" would overwrite the bundle');
    });
  });
});
