/**
 * What a bundle is made of, from esbuild's metafile: bytes per package, and which of them are
 * evaluated when the bundle is imported. Pure (no I/O), so the recommendations it feeds are testable.
 *
 * "Eager" = reachable from the entry through static imports and `require` calls: in a single-file
 * ESM bundle esbuild evaluates those at import (ESM modules are hoisted into the top scope; CommonJS
 * modules run when first required, and those `require`s run at load). "Lazy" = reachable only
 * through a dynamic `import()`: still in the file (CDK bundles have no code splitting) and parsed,
 * but only evaluated when the `import()` runs.
 */
import type { Metafile } from './cdk-bundles.js';

/** Bytes one package (or one project folder) contributes to a bundle. */
export interface PackageShare {
  readonly name: string;
  readonly bytes: number;
  /** Bytes evaluated at import. */
  readonly eagerBytes: number;
}

/** A dynamic `import()` in project code whose target esbuild inlined into the bundle. */
export interface InlinedDynamicImport {
  /** The module that calls `import()`. */
  readonly from: string;
  /** The imported module (a package name or a project path). */
  readonly target: string;
}

/** The composition of one bundle. */
export interface BundleComposition {
  readonly entryPoint: string;
  readonly bytes: number;
  /** Sum of the bytes evaluated at import. */
  readonly eagerBytes: number;
  /** Largest first. */
  readonly packages: readonly PackageShare[];
  /** `@aws-sdk/client-*` packages in the bundle, with whether they are evaluated at import. */
  readonly awsSdkClients: readonly { readonly name: string; readonly eager: boolean }[];
  readonly dynamicImports: readonly InlinedDynamicImport[];
}

const NODE_MODULES = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/;

/**
 * Groups an input path: a package name for dependencies, `lambdas/<layer>/<folder>` for project
 * code (handlers by file), the path itself otherwise.
 */
export function packageOf(inputPath: string): string {
  const dependency = NODE_MODULES.exec(inputPath);
  if (dependency) return dependency[1] as string;
  const parts = inputPath.split('/');
  if (parts[0] === 'lambdas' && parts[1] === 'handlers') return parts.slice(0, 3).join('/');
  if (parts[0] === 'lambdas' || parts[0] === 'bench' || parts[0] === 'local') return parts.slice(0, Math.min(3, parts.length - 1)).join('/');
  return inputPath;
}

/** Analyses the output of `metafile` built from `entryPoint` (the default: its only entry output). */
export function analyzeBundle(metafile: Metafile, entryPoint?: string): BundleComposition {
  const output = Object.values(metafile.outputs).find((candidate) =>
    entryPoint === undefined ? candidate.entryPoint !== undefined : candidate.entryPoint === entryPoint,
  );
  if (!output?.entryPoint) throw new Error(`the metafile has no output for entry ${entryPoint ?? '(any)'}`);
  const eager = reachable(metafile, output.entryPoint);

  const shares = new Map<string, { bytes: number; eagerBytes: number }>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const share = shares.get(packageOf(input)) ?? { bytes: 0, eagerBytes: 0 };
    share.bytes += bytesInOutput;
    if (eager.has(input)) share.eagerBytes += bytesInOutput;
    shares.set(packageOf(input), share);
  }
  const packages = [...shares.entries()]
    .map(([name, share]) => ({ name, ...share }))
    .filter((share) => share.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));

  const dynamicImports: InlinedDynamicImport[] = [];
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    // Dependencies' own lazy imports (e.g. the SDK's credential providers) are not ours to change.
    if (!(input in output.inputs) || NODE_MODULES.test(input)) continue;
    for (const edge of imports) {
      if (edge.kind === 'dynamic-import' && !edge.external) dynamicImports.push({ from: input, target: packageOf(edge.path) });
    }
  }

  return {
    entryPoint: output.entryPoint,
    bytes: output.bytes,
    eagerBytes: packages.reduce((sum, share) => sum + share.eagerBytes, 0),
    packages,
    awsSdkClients: packages
      .filter((share) => share.name.startsWith('@aws-sdk/client-'))
      .map((share) => ({ name: share.name, eager: share.eagerBytes > 0 })),
    dynamicImports,
  };
}

/** Inputs reachable from `entry` through every import kind except dynamic `import()`. */
function reachable(metafile: Metafile, entry: string): Set<string> {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length > 0) {
    const current = queue.pop() as string;
    for (const edge of metafile.inputs[current]?.imports ?? []) {
      if (edge.kind === 'dynamic-import' || edge.external || seen.has(edge.path)) continue;
      seen.add(edge.path);
      queue.push(edge.path);
    }
  }
  return seen;
}
