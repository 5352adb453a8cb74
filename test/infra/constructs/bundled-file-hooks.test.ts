import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { bundledFileHooks } from '../../../lib/constructs/post-deploy-scan-workflow.js';
import { TeamFunction } from '../../../lib/constructs/team-function.js';
import { FIXTURE_HANDLER } from '../support.js';

/** Synthesizes one bundled TeamFunction with `hooks` and returns its asset directory. */
function bundle(hooks: ReturnType<typeof bundledFileHooks>): string {
  const outdir = mkdtempSync(join(tmpdir(), 'zsa-bundle-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'BundleStack');
  new TeamFunction(stack, 'WithFile', { entry: FIXTURE_HANDLER, description: 'bundled file check', invocation: 'sync', commandHooks: hooks });
  const resources = (app.synth().getStackByName('BundleStack').template as { Resources: Record<string, { Type: string; Properties: { Code?: { S3Key: string } } }> })
    .Resources;
  const s3Key = Object.values(resources).find((resource) => resource.Type === 'AWS::Lambda::Function')?.Properties.Code?.S3Key ?? '';
  return join(outdir, `asset.${s3Key.replace(/\.zip$/, '')}`);
}

describe('bundledFileHooks', () => {
  describe('afterBundling', () => {
    it('puts the file next to the bundle, content unchanged, however large', () => {
      const mappings = Object.fromEntries(
        Array.from({ length: 1000 }, (_, index) => [String(300000000000 + index), `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`]),
      );
      const content = JSON.stringify(mappings);

      const assetDir = bundle(bundledFileHooks('account-mappings.json', content));

      expect(existsSync(join(assetDir, 'index.mjs'))).toBe(true);
      expect(readFileSync(join(assetDir, 'account-mappings.json'), 'utf8')).toBe(content);
    });

    it('changes the asset when the file changes, so new mappings redeploy the function', () => {
      const first = bundle(bundledFileHooks('account-mappings.json', '{"111122223333":"00000000-0000-4000-8000-000000000001"}'));
      const second = bundle(bundledFileHooks('account-mappings.json', '{"111122223333":"00000000-0000-4000-8000-000000000002"}'));

      expect(first.split('asset.')[1]).not.toBe(second.split('asset.')[1]);
    });
  });

  describe('fileName', () => {
    it('refuses a path instead of a file name', () => {
      expect(() => bundledFileHooks('../account-mappings.json', '{}')).toThrow('must be a plain file name');
    });
  });
});
