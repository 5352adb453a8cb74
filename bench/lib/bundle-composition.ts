/**
 * What a bundle is made of, from esbuild's metafile: bytes per package, and which of them are
 * evaluated when the bundle is imported. Pure (no I/O), so the recommendations it feeds are testable.
 *
 * The bundles are split (lib/constructs/team-bundling.ts): the entry file statically imports some
 * shared chunks, and every module reached only through a dynamic `import()` lives in a chunk that is
 * read when that `import()` runs. "Eager" = in the entry file or in a chunk it imports statically
 * (transitively): read, compiled and evaluated at import. "Lazy" = in the other chunks: shipped, but
 * not touched at cold start.
 */
import * as z from 'zod';

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
      imports: z.array(z.object({ path: z.string(), kind: z.string(), external: z.boolean().optional() })),
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

/** Bytes one package (or one project folder) contributes to a bundle. */
export interface PackageShare {
  readonly name: string;
  readonly bytes: number;
  /** Bytes evaluated at import. */
  readonly eagerBytes: number;
}

/** A dynamic `import()` in project code (its target is loaded on first use). */
export interface LazyImport {
  /** The module that calls `import()`. */
  readonly from: string;
  /** The imported module (a package name or a project path). */
  readonly target: string;
}

/** The composition of one bundle. */
export interface BundleComposition {
  readonly entryPoint: string;
  /** Bytes of every JavaScript file of the bundle (entry and chunks; source maps excluded). */
  readonly bytes: number;
  /** Bytes of the files read at import (the entry file and the chunks it imports statically). */
  readonly eagerBytes: number;
  /** Largest first. */
  readonly packages: readonly PackageShare[];
  /** `@aws-sdk/client-*` packages in the bundle, with whether they are evaluated at import. */
  readonly awsSdkClients: readonly { readonly name: string; readonly eager: boolean }[];
  readonly dynamicImports: readonly LazyImport[];
}

const ENTRY_FILE = 'index.mjs';
const NODE_MODULES = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/;

/**
 * Groups an input path: a package name for dependencies, `lambdas/<slice>/<folder>` for project
 * code (handlers by file), the path itself otherwise.
 */
export function packageOf(inputPath: string): string {
  const dependency = NODE_MODULES.exec(inputPath);
  if (dependency) return dependency[1] as string;
  const parts = inputPath.split('/');
  if (parts[0] === 'lambdas' && parts[2] === 'handlers') return parts.slice(0, 4).join('/');
  if (parts[0] === 'lambdas' || parts[0] === 'bench' || parts[0] === 'local') return parts.slice(0, Math.min(3, parts.length - 1)).join('/');
  return inputPath;
}

/**
 * Analyses the bundle built from `entryPoint` (the default: the output file named `index.mjs`; in a
 * split bundle every `import()` target is an output with an `entryPoint` too).
 */
export function analyzeBundle(metafile: Metafile, entryPoint?: string): BundleComposition {
  const entryOutput = Object.entries(metafile.outputs).find(([file, candidate]) =>
    entryPoint === undefined ? file === ENTRY_FILE || file.endsWith(`/${ENTRY_FILE}`) : candidate.entryPoint === entryPoint,
  );
  if (!entryOutput?.[1].entryPoint) throw new Error(`the metafile has no output for entry ${entryPoint ?? '(any)'}`);
  const eagerFiles = staticallyImported(metafile, entryOutput[0]);
  const javascript = Object.entries(metafile.outputs).filter(([file]) => !file.endsWith('.map'));

  const shares = new Map<string, { bytes: number; eagerBytes: number }>();
  const bundleInputs = new Set<string>();
  for (const [file, output] of javascript) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      bundleInputs.add(input);
      const share = shares.get(packageOf(input)) ?? { bytes: 0, eagerBytes: 0 };
      share.bytes += bytesInOutput;
      if (eagerFiles.has(file)) share.eagerBytes += bytesInOutput;
      shares.set(packageOf(input), share);
    }
  }
  const packages = [...shares.entries()]
    .map(([name, share]) => ({ name, ...share }))
    .filter((share) => share.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));

  const dynamicImports: LazyImport[] = [];
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    // Dependencies' own lazy imports (e.g. the SDK's credential providers) are not ours to change.
    if (!bundleInputs.has(input) || NODE_MODULES.test(input)) continue;
    for (const edge of imports) {
      if (edge.kind === 'dynamic-import' && !edge.external) dynamicImports.push({ from: input, target: packageOf(edge.path) });
    }
  }

  return {
    entryPoint: entryOutput[1].entryPoint,
    bytes: javascript.reduce((sum, [, output]) => sum + output.bytes, 0),
    eagerBytes: javascript.filter(([file]) => eagerFiles.has(file)).reduce((sum, [, output]) => sum + output.bytes, 0),
    packages,
    awsSdkClients: packages
      .filter((share) => share.name.startsWith('@aws-sdk/client-'))
      .map((share) => ({ name: share.name, eager: share.eagerBytes > 0 })),
    dynamicImports,
  };
}

/** Output files read when `entryFile` is imported: itself and the chunks it imports statically, transitively. */
function staticallyImported(metafile: Metafile, entryFile: string): Set<string> {
  const seen = new Set<string>([entryFile]);
  const queue = [entryFile];
  while (queue.length > 0) {
    const current = queue.pop() as string;
    for (const edge of metafile.outputs[current]?.imports ?? []) {
      if (edge.kind !== 'import-statement' || edge.external || seen.has(edge.path)) continue;
      seen.add(edge.path);
      queue.push(edge.path);
    }
  }
  return seen;
}
