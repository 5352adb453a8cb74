/**
 * Bundles Lambda entries exactly as the deployed functions are bundled: through the CDK's own
 * `NodejsFunction` with the team's `TEAM_BUNDLING` (lib/constructs/team-function.ts), synthesized
 * into a throwaway cloud assembly. No hand translation of the settings, so nothing can drift (a
 * translation would also have to copy CDK quirks: aws-cdk-lib 2.276 does not pass `charset` to esbuild).
 *
 * The only addition is `metafile: true`, which makes esbuild also write `index.meta.json` next to
 * the bundle (it does not change the bundle); the bench reads it to explain what a bundle is made of.
 */
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as z from 'zod';
import { PROJECT_ROOT, TEAM_BUNDLING } from '../../lib/constructs/team-function.js';

/** One entry to bundle: a display name and the source file (relative to the project root). */
export interface BundleEntry {
  readonly name: string;
  readonly entry: string;
}

/** A bundle the CDK produced. */
export interface CdkBundle extends BundleEntry {
  /** Absolute path of `index.mjs`. */
  readonly bundlePath: string;
  /** Size of `index.mjs` in bytes (what Lambda loads; the source map is a separate file). */
  readonly bytes: number;
  /** esbuild's metafile of this bundle. */
  readonly metafile: Metafile;
}

const MetafileSchema = z.object({
  inputs: z.record(
    z.string(),
    z.object({
      bytes: z.number(),
      imports: z.array(z.object({ path: z.string(), kind: z.string(), external: z.boolean().optional(), original: z.string().optional() })),
    }),
  ),
  outputs: z.record(
    z.string(),
    z.object({
      bytes: z.number(),
      entryPoint: z.string().optional(),
      inputs: z.record(z.string(), z.object({ bytesInOutput: z.number() })),
      exports: z.array(z.string()).optional(),
    }),
  ),
});

/** The parts of esbuild's metafile the bench reads. */
export type Metafile = z.infer<typeof MetafileSchema>;

/** Parses an esbuild metafile; throws naming the file and the bad fields. */
export function parseMetafile(text: string, file: string): Metafile {
  const parsed = MetafileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(`${file} is not an esbuild metafile: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  return parsed.data;
}

/**
 * Bundles every entry through the CDK (one `NodejsFunction` each, as `TeamFunction` configures it:
 * Node.js 24, the project root and lock file, `TEAM_BUNDLING`) into `outdir`, which is emptied first.
 */
export function bundleWithCdk(entries: readonly BundleEntry[], outdir: string): CdkBundle[] {
  rmSync(outdir, { recursive: true, force: true });
  const app = new App({ outdir });
  const stack = new Stack(app, 'BenchBundles');
  const functions = entries.map((entry, index) => ({
    entry,
    fn: new nodejs.NodejsFunction(stack, `Fn${index}`, {
      entry: join(PROJECT_ROOT, entry.entry),
      handler: 'handler',
      // TeamFunction's runtime; TEAM_BUNDLING pins the esbuild target (node24) itself.
      runtime: lambda.Runtime.NODEJS_24_X,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      bundling: { ...TEAM_BUNDLING, metafile: true },
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
    const bundlePath = join(assetDir, 'index.mjs');
    const metafilePath = join(assetDir, 'index.meta.json');
    return {
      ...entry,
      bundlePath,
      bytes: statSync(bundlePath).size,
      metafile: parseMetafile(readFileSync(metafilePath, 'utf8'), relative(PROJECT_ROOT, metafilePath)),
    };
  });
}
