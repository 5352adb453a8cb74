import { findSecrets, runSandboxCaptured, SANDBOX_INPUTS } from '../helpers/faults/secrets.js';

describe('sandbox human output (security)', () => {
  const levelBefore = process.env.POWERTOOLS_LOG_LEVEL;
  let human: Awaited<ReturnType<typeof runSandboxCaptured>>;

  beforeAll(async () => {
    // Every log line the handlers can write is produced (and captured).
    process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
    human = await runSandboxCaptured([...SANDBOX_INPUTS]);
  }, 120_000);

  afterAll(() => {
    if (levelBefore === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = levelBefore;
  });

  describe('runSandboxCli (human mode)', () => {
    it('prints progress and a summary with no secret in any output or log line', () => {
      const findings = findSecrets(human.texts);

      expect({ exitCode: human.exitCode, stderr: human.exitCode === 0 ? '' : human.texts.find((text) => text.source === 'io.stderr')?.text.slice(-1500) }).toEqual({ exitCode: 0, stderr: '' });
      expect(human.texts.filter((text) => text.source.startsWith('io.')).map((text) => text.text).join('')).toMatch(/\S/);
      expect(findings).toEqual([]);
    });
  });
});
