import { findSecrets, runSandboxCaptured, SANDBOX_INPUTS, type SecretFinding } from '../helpers/faults/secrets.js';

describe('sandbox JSON output (security)', () => {
  const levelBefore = process.env.POWERTOOLS_LOG_LEVEL;
  let json: Awaited<ReturnType<typeof runSandboxCaptured>>;

  beforeAll(async () => {
    // Every log line the handlers can write is produced (and captured).
    process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
    // One sandbox run per test file: the handlers keep their clients (and table name) per process.
    json = await runSandboxCaptured(['--json', ...SANDBOX_INPUTS]);
  }, 120_000);

  afterAll(() => {
    if (levelBefore === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = levelBefore;
  });

  describe('runSandboxCli --json', () => {
    it('prints a document with both pipelines and no secret in any output or log line', () => {
      const document = JSON.parse(json.texts.find((text) => text.source === 'io.stdout')?.text ?? '{}') as { scans?: unknown[]; diagnostics?: unknown[] };

      const findings: SecretFinding[] = findSecrets(json.texts);

      expect(json.exitCode).toBe(0);
      expect(document.scans?.length).toBeGreaterThan(0);
      expect(document.diagnostics?.length).toBeGreaterThan(0);
      expect(findings).toEqual([]);
    });
  });
});
