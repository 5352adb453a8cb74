import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { AssetHashType, DockerImage, type ILocalBundling } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync, type BuildOptions } from 'esbuild';

/**
 * How every Lambda is bundled, defined once (the bench measures exactly these bundles).
 *
 * Code splitting is the point: the entry file `index.mjs` holds what the handler evaluates at import,
 * and every module reached only through a dynamic `import()` goes into a chunk file beside it that
 * Node reads only when that path runs. In a single-file bundle those modules are still read, scanned
 * and compiled on every cold start. What this keeps out of the init phase: undici (~480 KB, behind
 * the first Zscaler call), the SNS / EventBridge / Step Functions / Secrets Manager clients behind
 * the paths that use them, and the AWS SDK's own lazy credential providers (STS, SSO, login), which a
 * Lambda function never loads because its credentials are in the environment. `npm run bench`
 * measured the DynamoDB-only baseline at ~95 ms as one file and ~62 ms split.
 *
 * The CDK's `NodejsFunction` cannot split (it passes esbuild `--outfile`), so {@link teamLambdaCode}
 * runs esbuild itself as the asset's local bundling step; the CDK still stages, hashes (by output)
 * and uploads the asset as it does for `NodejsFunction`.
 *
 * - ESM (`.mjs`): top-level await and tree-shaking of the ESM builds of the SDK and Powertools.
 * - `mainFields: ['module', 'main']`: prefer ESM entry points, which tree-shake far better.
 * - `banner`: an ESM bundle has no `require`; CommonJS dependencies bundled into it (undici and parts of
 *   the SDK) still `require` Node built-ins, so each output file gets a `require` from `createRequire`.
 * - The AWS SDK is bundled (no externals): the functions run the SDK version the tests ran against, not
 *   whatever the runtime ships that week.
 * - No `keepNames`: it wraps every function and class in a `__name()` call evaluated at import, which
 *   `npm run bench` measured at +6 ms per cold start on the larger handlers. Error `name`s are string
 *   literals (lambdas/core/errors.ts), so Step Functions catches and log fields do not depend on it;
 *   a stack frame's minified function name is mapped back with the `.map` file next to the bundle.
 * - Source maps are written (external, without sources) but NOT enabled at runtime: with
 *   `--enable-source-maps` Node reads and parses the maps at import, which `npm run bench` measured
 *   at +35-65 ms per cold start (and +40 MB peak RSS). The `.map` files map a trace offline.
 */
export const TEAM_ESBUILD_OPTIONS = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  outExtension: { '.js': '.mjs' },
  entryNames: 'index',
  chunkNames: 'chunks/[name]-[hash]',
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: 'external',
  sourcesContent: false,
  legalComments: 'none',
  banner: { js: "import { createRequire as __zsaCreateRequire } from 'node:module'; const require = __zsaCreateRequire(import.meta.url);" },
  logLevel: 'error',
} as const satisfies BuildOptions;

/** The file Lambda loads (`index.handler`); the chunks sit in `chunks/` next to it. */
export const BUNDLE_ENTRY_FILE = 'index.mjs';
/** esbuild's metafile, written next to the bundle when asked for (the bench reads it). */
export const BUNDLE_METAFILE = 'index.meta.json';

/** What to bundle. */
export interface LambdaBundleOptions {
  /** The handler source (absolute, or relative to `projectRoot`). */
  readonly entry: string;
  /** The directory esbuild resolves packages and `#core/*` imports from (where package.json is). */
  readonly projectRoot: string;
  /**
   * Data files written next to the bundle, by plain file name (e.g. `account-mappings.json`, read
   * from `/var/task` at runtime). They are part of the asset, so a changed file redeploys the function.
   * @default none
   */
  readonly files?: Readonly<Record<string, string>>;
  /** Also write esbuild's metafile as {@link BUNDLE_METAFILE}. @default false */
  readonly metafile?: boolean;
}

const PLAIN_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Throws unless every bundled file name is a plain file name (no path, nothing that could escape the asset). */
export function checkBundledFileNames(files: Readonly<Record<string, string>>): void {
  for (const name of Object.keys(files)) {
    if (!PLAIN_FILE_NAME.test(name)) throw new Error(`bundled file "${name}" must be a plain file name`);
    if (name === BUNDLE_ENTRY_FILE || name.endsWith('.map')) throw new Error(`bundled file "${name}" would overwrite the bundle`);
  }
}

/** Bundles one handler into `outdir` with {@link TEAM_ESBUILD_OPTIONS}; throws with esbuild's messages on failure. */
function bundleLambda(options: LambdaBundleOptions, outdir: string): void {
  const files = options.files ?? {};
  checkBundledFileNames(files);
  const result = buildSync({
    ...TEAM_ESBUILD_OPTIONS,
    entryPoints: { index: resolvePath(options.projectRoot, options.entry) },
    absWorkingDir: options.projectRoot,
    outdir,
    metafile: options.metafile === true,
  });
  if (options.metafile && result.metafile) writeFileSync(join(outdir, BUNDLE_METAFILE), JSON.stringify(result.metafile));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(outdir, name), content, 'utf8');
}

/**
 * The local bundling step of one handler. A class with data fields, not a bare object literal: the CDK
 * caches bundling results per synthesis under a key built from the JSON of the bundling options, and a
 * function does not serialize, so the entry and a digest of the files must be fields to tell two
 * handlers apart.
 */
class TeamLocalBundling implements ILocalBundling {
  readonly entry: string;
  readonly filesDigest: string;
  readonly metafile: boolean;

  constructor(private readonly options: LambdaBundleOptions) {
    this.entry = resolvePath(options.projectRoot, options.entry);
    this.filesDigest = createHash('sha256').update(JSON.stringify(Object.entries(options.files ?? {}))).digest('hex');
    this.metafile = options.metafile === true;
  }

  tryBundle(outputDir: string): boolean {
    bundleLambda(this.options, outputDir);
    return true;
  }
}

/**
 * The Lambda code of a handler: an asset bundled by {@link bundleLambda} during synthesis (local
 * bundling; esbuild is a devDependency, so no Docker is involved), hashed by its output like a
 * `NodejsFunction`'s. Apps with `aws:cdk:bundling-stacks: []` skip the bundling as usual.
 */
export function teamLambdaCode(options: LambdaBundleOptions): lambda.Code {
  checkBundledFileNames(options.files ?? {});
  return lambda.Code.fromAsset(options.projectRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the API, never pulled: local bundling always succeeds or throws.
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
      local: new TeamLocalBundling(options),
    },
  });
}
