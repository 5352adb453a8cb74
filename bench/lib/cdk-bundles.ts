/**
 * Bundles Lambda entries exactly as the deployed functions are bundled: a Lambda function whose code
 * is `teamLambdaCode` (lib/constructs/team-bundling.ts, what every TeamFunction uses), synthesized
 * into a throwaway cloud assembly, so the CDK runs the same bundling step and nothing can drift.
 *
 * The only addition is `metafile: true`, which also writes `index.meta.json` next to the bundle (it
 * does not change the bundle); the bench reads it to explain what a bundle is made of.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BUNDLE_ENTRY_FILE, BUNDLE_METAFILE, teamLambdaCode } from '../../lib/constructs/team-bundling.js';
import { PROJECT_ROOT } from '../../lib/constructs/team-function.js';
import { analyzeBundle, parseMetafile, type Metafile } from './bundle-composition.js';

/** One entry to bundle: a display name and the source file (relative to the project root). */
export interface BundleEntry {
  readonly name: string;
  readonly entry: string;
}

/** A bundle the CDK produced. */
export interface CdkBundle extends BundleEntry {
  /** Absolute path of `index.mjs` (the file Lambda imports; its chunks sit beside it). */
  readonly bundlePath: string;
  /** Bytes of all of the bundle's JavaScript files (entry and chunks; source maps are separate files). */
  readonly bytes: number;
  /** esbuild's metafile of this bundle. */
  readonly metafile: Metafile;
}

/**
 * Bundles every entry through the CDK (one Lambda function each, with TeamFunction's code and
 * runtime) into `outdir`, which is emptied first.
 */
export function bundleWithCdk(entries: readonly BundleEntry[], outdir: string): CdkBundle[] {
  rmSync(outdir, { recursive: true, force: true });
  const app = new App({ outdir });
  const stack = new Stack(app, 'BenchBundles');
  const functions = entries.map((entry, index) => ({
    entry,
    fn: new lambda.Function(stack, `Fn${index}`, {
      code: teamLambdaCode({ entry: entry.entry, projectRoot: PROJECT_ROOT, metafile: true }),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
    }),
  }));
  const template = app.synth().getStackByName(stack.stackName).template as {
    Resources: Record<string, { Type: string; Properties?: { Code?: { S3Key?: unknown } } }>;
  };
  return functions.map(({ entry, fn }) => {
    const logicalId = stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
    const s3Key = template.Resources[logicalId]?.Properties?.Code?.S3Key;
    if (typeof s3Key !== 'string') throw new Error(`the synthesized function of ${entry.entry} has no asset S3Key`);
    const assetDir = join(outdir, `asset.${s3Key.replace(/\.zip$/, '')}`);
    const metafilePath = join(assetDir, BUNDLE_METAFILE);
    const metafile = parseMetafile(readFileSync(metafilePath, 'utf8'), relative(PROJECT_ROOT, metafilePath));
    return { ...entry, bundlePath: join(assetDir, BUNDLE_ENTRY_FILE), bytes: analyzeBundle(metafile).bytes, metafile };
  });
}
