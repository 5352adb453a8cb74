import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSandboxArgs, runSandboxCli } from '../../../local/sandbox/cli.js';
import { SandboxUsageError, readEventFiles, SAMPLE_CFN_EVENT } from '../../../local/sandbox/sandbox.js';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { env: {}, stdout: (text: string) => out.push(text), stderr: (text: string) => err.push(text), cwd: tmpdir() } };
}

describe('parseSandboxArgs', () => {
  it('reads repeated files, both option spellings and --json', () => {
    const parsed = parseSandboxArgs(['--cfn-event', 'a.json', '--cfn-event=b.json', '--zdx-alert', 'c.json', '--json']);

    expect(parsed).toEqual({ cfnEvents: ['a.json', 'b.json'], zdxAlerts: ['c.json'], json: true, help: false, accounts: [], servePort: undefined, zdxAuth: 'api-key' });
  });

  it('reads --zdx-auth (api-key by default, so npm start stays on the legacy key)', () => {
    expect(parseSandboxArgs(['--zdx-auth', 'oneapi']).zdxAuth).toBe('oneapi');
    expect(parseSandboxArgs(['--zdx-auth=api-key']).zdxAuth).toBe('api-key');
    expect(parseSandboxArgs([]).zdxAuth).toBe('api-key');
  });

  it.each([
    [['--cfn-event'], '--cfn-event needs a value'],
    [['--cfn-event', '--json'], '--cfn-event needs a value'],
    [['--bogus'], 'unknown option --bogus'],
    [['--slack-webhook', 'http://example.com'], '--slack-webhook must be a Slack incoming webhook URL'],
    [['--zdx-auth', 'oauth'], '--zdx-auth must be one of api-key, oneapi, got "oauth"'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseSandboxArgs(argv)).toThrow(message);
  });
});

describe('readEventFiles', () => {
  it('reads one event or an array of events per file, and the sample without files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zsa-events-'));
    await writeFile(join(dir, 'one.json'), JSON.stringify({ a: 1 }));
    await writeFile(join(dir, 'many.json'), JSON.stringify([{ b: 1 }, { c: 2 }]));

    const events = await readEventFiles(['one.json', 'many.json'], dir);
    const sample = await readEventFiles([]);

    expect(events).toEqual([
      { source: 'one.json', event: { a: 1 } },
      { source: 'many.json[0]', event: { b: 1 } },
      { source: 'many.json[1]', event: { c: 2 } },
    ]);
    expect(sample).toEqual([{ source: 'sample deployment', event: SAMPLE_CFN_EVENT }]);
  });

  it('names the file that is not JSON or cannot be read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zsa-events-'));
    await writeFile(join(dir, 'broken.json'), '{"detail-type": ');

    await expect(readEventFiles(['broken.json'], dir)).rejects.toBeInstanceOf(SandboxUsageError);
    await expect(readEventFiles(['broken.json'], dir)).rejects.toThrow(/^broken\.json is not valid JSON/);
    await expect(readEventFiles(['absent.json'], dir)).rejects.toThrow('cannot read absent.json: ENOENT');
  });
});

describe('runSandboxCli', () => {
  it('exits 2 naming the file when an event file is not JSON, before starting anything', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zsa-events-'));
    await writeFile(join(dir, 'notes.txt'), 'this is not an event');
    const captured = io();

    const code = await runSandboxCli(['--cfn-event', 'notes.txt', '--json'], { ...captured.io, cwd: dir });

    expect(code).toBe(2);
    expect(captured.err.join('')).toMatch(/^notes\.txt is not valid JSON/);
    expect(captured.out).toEqual([]);
  });

  it('exits 2 with the usage on an unknown option, and 0 with --help', async () => {
    const bad = io();
    const help = io();

    const badCode = await runSandboxCli(['--nope'], bad.io);
    const helpCode = await runSandboxCli(['--help'], help.io);

    expect(badCode).toBe(2);
    expect(bad.err.join('')).toContain('unknown option --nope\nUsage: npm run zsa -- sandbox');
    expect(helpCode).toBe(0);
    expect(help.out.join('')).toContain('--cfn-event FILE');
    expect(help.out.join('')).toContain('npm start -- [options]');
  });
});
