/**
 * `npm run simulator -- --port N [--seed N] [--time-scale X]`: runs the simulator in the
 * foreground, prints its base URL and the sandbox credentials, and stops on SIGINT/SIGTERM.
 */
import { startSimulator, SIMULATOR_CREDENTIALS, ZIDENTITY_TOKEN_PATH, type RunningSimulator } from './index.js';

const USAGE = `Usage: npm run simulator -- [--port N] [--seed N] [--time-scale X]

Runs the Zscaler API simulator (ZDX under /v1 and, through OneAPI, /zdx/v1 with ZIdentity tokens
from /oauth2/v1/token; ZCSPM under /authorize, /compliance, /audit,
/onboarding) on 127.0.0.1 until interrupted.

  --port N          port to listen on (default: a free port)
  --seed N          seed of the generated data and random faults (default: 1)
  --time-scale X    multiplies scan and deep-trace durations (default: 1, e.g. 0.01 = 100x faster)
  --help            show this help

Control API: http://127.0.0.1:<port>/__sim/... (see local/simulator/README.md).`;

interface CliOptions {
  port?: number;
  seed?: number;
  timeScale?: number;
  help: boolean;
}

/** Parses the arguments; throws with a usage message on bad input. */
export function parseSimulatorArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { help: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes('=') ? (arg.split('=', 2) as [string, string]) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[(i += 1)];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const number = (name: string, raw: string, check: (n: number) => boolean): number => {
      const n = Number(raw);
      if (!check(n)) throw new Error(`${name} got an invalid value "${raw}"`);
      return n;
    };
    switch (flag) {
      case '--help':
      case '-h':
        options.help = true;
        break;
      case '--port':
        options.port = number('--port', value(), (n) => Number.isInteger(n) && n >= 0 && n <= 65535);
        break;
      case '--seed':
        options.seed = number('--seed', value(), Number.isSafeInteger);
        break;
      case '--time-scale':
        options.timeScale = number('--time-scale', value(), (n) => Number.isFinite(n) && n > 0);
        break;
      default:
        throw new Error(`Unknown argument "${arg}"`);
    }
  }
  return options;
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

/** Runs the simulator until SIGINT/SIGTERM. Usage errors set exit code 2. */
export async function runSimulatorCli(argv: string[]): Promise<void> {
  let options: CliOptions;
  try {
    options = parseSimulatorArgs(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
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
