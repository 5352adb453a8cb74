import { analyzeBundle, packageOf, type Metafile } from '../../../bench/lib/bundle-composition.js';

/**
 * entry -> handler-lib (static) -> undici (require); entry -> sfn client (dynamic import only), split
 * as esbuild splits: undici in a chunk the entry file imports statically, the SFN client and its
 * credential provider in chunks reached only by `import()`.
 */
function metafile(): Metafile {
  return {
    inputs: {
      'lambdas/scan/handlers/get-status.ts': {
        bytes: 100,
        imports: [
          { path: 'lambdas/core/http/client.ts', kind: 'import-statement' },
          { path: 'node_modules/@aws-sdk/client-sfn/dist-es/index.js', kind: 'dynamic-import' },
          { path: 'node:crypto', kind: 'import-statement', external: true },
        ],
      },
      'lambdas/core/http/client.ts': { bytes: 200, imports: [{ path: 'node_modules/undici/index.js', kind: 'require-call' }] },
      'node_modules/undici/index.js': { bytes: 5000, imports: [{ path: 'node_modules/undici/lib/agent.js', kind: 'require-call' }] },
      'node_modules/undici/lib/agent.js': { bytes: 3000, imports: [] },
      'node_modules/@aws-sdk/client-sfn/dist-es/index.js': {
        bytes: 900,
        imports: [{ path: 'node_modules/@aws-sdk/credential-provider-ini/index.js', kind: 'dynamic-import' }],
      },
      'node_modules/@aws-sdk/credential-provider-ini/index.js': { bytes: 50, imports: [] },
    },
    outputs: {
      'out/index.mjs': {
        bytes: 300,
        entryPoint: 'lambdas/scan/handlers/get-status.ts',
        inputs: { 'lambdas/scan/handlers/get-status.ts': { bytesInOutput: 80 }, 'lambdas/core/http/client.ts': { bytesInOutput: 150 } },
        imports: [
          { path: 'out/chunks/undici-A.mjs', kind: 'import-statement' },
          { path: 'out/chunks/client-sfn-B.mjs', kind: 'dynamic-import' },
          { path: 'node:crypto', kind: 'import-statement', external: true },
        ],
      },
      'out/index.mjs.map': { bytes: 4000, inputs: {}, imports: [] },
      'out/chunks/undici-A.mjs': {
        bytes: 6600,
        inputs: { 'node_modules/undici/index.js': { bytesInOutput: 4000 }, 'node_modules/undici/lib/agent.js': { bytesInOutput: 2500 } },
        imports: [],
      },
      'out/chunks/client-sfn-B.mjs': {
        bytes: 720,
        entryPoint: 'node_modules/@aws-sdk/client-sfn/dist-es/index.js',
        inputs: { 'node_modules/@aws-sdk/client-sfn/dist-es/index.js': { bytesInOutput: 700 } },
        imports: [
          { path: 'out/chunks/undici-A.mjs', kind: 'import-statement' },
          { path: 'out/chunks/ini-C.mjs', kind: 'dynamic-import' },
        ],
      },
      'out/chunks/ini-C.mjs': { bytes: 45, inputs: { 'node_modules/@aws-sdk/credential-provider-ini/index.js': { bytesInOutput: 40 } }, imports: [] },
    },
  };
}

describe('bundle composition', () => {
  describe('packageOf', () => {
    it('names dependencies by package, scoped ones included', () => {
      const paths = ['node_modules/zod/v4/core/schemas.js', 'node_modules/@aws-sdk/client-sns/dist-es/index.js', 'node_modules/a/node_modules/b/x.js'];

      const names = paths.map(packageOf);

      expect(names).toEqual(['zod', '@aws-sdk/client-sns', 'a']);
    });

    it('groups project code by folder and handlers by file', () => {
      const paths = ['lambdas/core/http/http-client.ts', 'lambdas/diagnostics/handlers/diagnose.ts', 'bench/lib/baseline-handler.ts'];

      const names = paths.map(packageOf);

      expect(names).toEqual(['lambdas/core/http', 'lambdas/diagnostics/handlers/diagnose.ts', 'bench/lib']);
    });
  });

  describe('analyzeBundle', () => {
    it('sums bytes per package over every chunk, largest first, and marks what is read at import', () => {
      const meta = metafile();

      const composition = analyzeBundle(meta);

      expect(composition.bytes).toBe(300 + 6600 + 720 + 45);
      expect(composition.eagerBytes).toBe(300 + 6600);
      expect(composition.packages).toEqual([
        { name: 'undici', bytes: 6500, eagerBytes: 6500 },
        { name: '@aws-sdk/client-sfn', bytes: 700, eagerBytes: 0 },
        { name: 'lambdas/core/http', bytes: 150, eagerBytes: 150 },
        { name: 'lambdas/scan/handlers/get-status.ts', bytes: 80, eagerBytes: 80 },
        { name: '@aws-sdk/credential-provider-ini', bytes: 40, eagerBytes: 0 },
      ]);
    });

    it('lists SDK clients with their laziness and only the import() calls of project code', () => {
      const meta = metafile();

      const composition = analyzeBundle(meta);

      expect(composition.awsSdkClients).toEqual([{ name: '@aws-sdk/client-sfn', eager: false }]);
      expect(composition.dynamicImports).toEqual([{ from: 'lambdas/scan/handlers/get-status.ts', target: '@aws-sdk/client-sfn' }]);
    });

    it('throws when the metafile has no output for the entry', () => {
      const meta = metafile();

      const act = () => analyzeBundle(meta, 'lambdas/scan/handlers/other.ts');

      expect(act).toThrow('the metafile has no output for entry lambdas/scan/handlers/other.ts');
    });
  });
});
