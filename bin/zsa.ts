/**
 * `npm run zsa -- <command>`: sandbox, simulator, doctor, scan, trace, accounts (see local/cli).
 * Exit codes: 0 ok, 1 a check failed, 2 usage error.
 */
import { runZsa } from '../local/cli/main.js';

/**
 * Everything this process starts (the simulator's servers, the sandbox's DynamoDB Local) must end
 * with it. Two ways it could otherwise outlive its purpose, each turned into a SIGTERM to itself,
 * which ends it like Ctrl+C would (`--serve` stops cleanly; other commands end at once, and
 * DynamoDB Local's watchdog stops the JVM, see local/dynamodb-local.ts):
 * - whoever started it is gone (`npm run` killed by SIGTERM does not pass the signal on through
 *   its shell): the process is re-parented, so a changed parent id means nobody will stop it;
 * - its output is gone (`npm start | head -2`): writing to a closed pipe fails with EPIPE.
 */
function endWithParentAndOutput(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, 500).unref();
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.kill(process.pid, 'SIGTERM');
    });
  }
}

endWithParentAndOutput();
process.exitCode = await runZsa(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
});
