/**
 * `npm run simulator -- --port N [--seed N] [--time-scale X]`: runs the simulator in the
 * foreground, prints its base URL and the sandbox credentials, and stops on SIGINT/SIGTERM.
 */
import { parseCommandArgs, stringOption, UsageError } from '../cli/args.js';
import { SIMULATOR_SPEC } from '../cli/help.js';
import { startSimulator, SIMULATOR_CREDENTIALS, ZIDENTITY_TOKEN_PATH, type RunningSimulator } from './index.js';

interface CliOptions {
  port?: number;
  seed?: number;
  timeScale?: number;
}

/** Parses the arguments (options: local/cli/help.ts `SIMULATOR_SPEC`); throws `UsageError` on bad input. */
export function parseSimulatorArgs(argv: readonly string[]): CliOptions {
  const { values } = parseCommandArgs(argv, SIMULATOR_SPEC);
  const number = (name: string, check: (n: number) => boolean, what: string): number | undefined => {
    const raw = stringOption(values, name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === '' || !check(n)) throw new UsageError(`--${name} must be ${what} (got "${raw}")`);
    return n;
  };
  const port = number('port', (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'a port number (0-65535)');
  const seed = number('seed', Number.isSafeInteger, 'a whole number');
  const timeScale = number('time-scale', (n) => Number.isFinite(n) && n > 0, 'a positive number such as 0.01');
  return { ...(port !== undefined ? { port } : {}), ...(seed !== undefined ? { seed } : {}), ...(timeScale !== undefined ? { timeScale } : {}) };
}

/** The banner printed at start: base URL, sandbox credentials and seeded ids. */
export function simulatorBanner(sim: RunningSimulator): string {
  const c = SIMULATOR_CREDENTIALS;
  const accounts = sim.zcspm.accounts().map((a) => `    ${a.accountId}  ${a.accountName}${a.inApiScope ? '' : '  (not in API scope)'}`);
  return [
    `Zscaler API simulator listening on ${sim.url} (seed ${sim.seed})`,
    `  ZDX base URL:   ${sim.url}   (paths /v1/...)`,
    `  OneAPI:         ${sim.url}   (ZDX paths /zdx/v1/...; ZIdentity token URL ${sim.url}${ZIDENTITY_TOKEN_PATH})`,
    `  ZCSPM base URL: ${sim.url}`,
    '  Sandbox default credentials (local only, not real secrets):',
    `    ZDX key id ${c.zdx.keyId}, key secret ${c.zdx.keySecret}`,
    `    OneAPI (ZIdentity) client id ${c.oneApi.clientId}, client secret ${c.oneApi.clientSecret}`,
    `    ZCSPM license ${c.zcspm.licenseId}, app id ${c.zcspm.applicationId}, app secret ${c.zcspm.applicationSecret}, subscription key ${c.zcspm.subscriptionKey}`,
    '  ZCSPM accounts:',
    ...accounts,
    `  Control API: ${sim.url}/__sim/  (Ctrl+C to stop)`,
  ].join('\n');
}

/** Runs the simulator until SIGINT/SIGTERM. Usage errors throw `UsageError` (the CLI's exit code 2). */
export async function runSimulatorCli(argv: string[]): Promise<void> {
  const options = parseSimulatorArgs(argv);
  const sim = await startSimulator({
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.timeScale !== undefined ? { config: { timeScale: options.timeScale } } : {}),
  });
  process.stdout.write(`${simulatorBanner(sim)}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await sim.close();
  process.stdout.write('Simulator stopped.\n');
}
