import { runZsa } from '../../../local/cli/main.js';

/**
 * The simulator command hands over to local/simulator/cli.ts, which writes to the process streams
 * itself: these tests swap the streams' write for the duration of a call.
 */
function captureProcessStreams(): { output: () => string; restore: () => void } {
  let text = '';
  const capture = (chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  };
  const original = { stdout: process.stdout.write, stderr: process.stderr.write };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  return {
    output: () => text,
    restore: () => {
      process.stdout.write = original.stdout;
      process.stderr.write = original.stderr;
    },
  };
}

const io = { env: {}, stdout: () => undefined, stderr: () => undefined };

describe('zsa simulator', () => {
  it('prints the simulator CLI usage for --help and exits 0', async () => {
    const streams = captureProcessStreams();

    const code = await runZsa(['simulator', '--help'], io).finally(streams.restore);

    expect(code).toBe(0);
    expect(streams.output()).toContain('Usage: npm run simulator -- [--port N] [--seed N] [--time-scale X]');
  });

  it('exits 2 for a bad port and leaves the process exit code alone', async () => {
    const streams = captureProcessStreams();
    const before = process.exitCode;

    const code = await runZsa(['simulator', '--port', '70000'], io).finally(streams.restore);

    expect(code).toBe(2);
    expect(streams.output()).toContain('--port got an invalid value "70000"');
    expect(process.exitCode).toBe(before);
  });
});
