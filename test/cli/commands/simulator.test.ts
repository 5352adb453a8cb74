import { runZsa } from '../../../local/cli/main.js';

function capturedIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { env: {}, stdout: (text: string) => out.push(text), stderr: (text: string) => err.push(text) } };
}

describe('zsa simulator', () => {
  it('prints the simulator usage with --time-scale for --help and exits 0', async () => {
    const { out, io } = capturedIo();

    const code = await runZsa(['simulator', '--help'], io);

    expect(code).toBe(0);
    expect(out.join('')).toContain('Usage: npm run simulator -- [--port N] [--seed N] [--time-scale X] [--help]');
    expect(out.join('')).toContain('0.01 = 100x faster');
  });

  it('exits 2 for a bad port with the synopsis and leaves the process exit code alone', async () => {
    const { err, io } = capturedIo();
    const before = process.exitCode;

    const code = await runZsa(['simulator', '--port', '70000'], io);

    expect(code).toBe(2);
    expect(err.join('')).toContain('zsa simulator: --port must be a port number (0-65535) (got "70000")');
    expect(err.join('')).toContain('Usage: npm run simulator -- [--port N]');
    expect(process.exitCode).toBe(before);
  });
});
