import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { TeamFunction } from '../../../lib/constructs/team-function.js';

describe('TeamFunction', () => {
  describe('bundling', () => {
    it('bundles an ESM handler with its CommonJS dependencies that runs in a fresh Node process', () => {
      const outdir = mkdtempSync(join(tmpdir(), 'zsa-bundle-'));
      const app = new App({ outdir });
      const stack = new Stack(app, 'BundleStack');
      new TeamFunction(stack, 'Bundled', { entry: 'test/infra/fixtures/cjs-dependency-handler.ts', description: 'bundling check', invocation: 'sync' });

      const assembly = app.synth();

      const code = (assembly.getStackByName('BundleStack').template as { Resources: Record<string, { Type: string; Properties: { Code?: { S3Key: string } } }> })
        .Resources;
      const s3Key = Object.values(code).find((resource) => resource.Type === 'AWS::Lambda::Function')?.Properties.Code?.S3Key ?? '';
      const assetDir = join(outdir, `asset.${s3Key.replace(/\.zip$/, '')}`);
      const bundle = join(assetDir, 'index.mjs');
      expect(readFileSync(bundle, 'utf8').startsWith("import { createRequire as __zsaCreateRequire } from 'node:module';")).toBe(true);
      expect(existsSync(`${bundle}.map`)).toBe(true);
      const output = execFileSync(process.execPath, ['--input-type=module', '-e', `const { handler } = await import(${JSON.stringify(bundle)}); console.log(JSON.stringify(await handler()));`], {
        encoding: 'utf8',
      });
      expect(JSON.parse(output)).toEqual({ ok: true, agent: 'Agent' });
    });
  });
});
