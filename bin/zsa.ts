/**
 * `npm run zsa -- <command>`: sandbox, simulator, doctor, scan, trace, accounts (see local/cli).
 * Exit codes: 0 ok, 1 a check failed, 2 usage error.
 */
import { runZsa } from '../local/cli/main.js';

process.exitCode = await runZsa(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
});
