/**
 * The deployment configuration as the CLI, the sandbox and the bench load it; lib/settings/ holds
 * the schema (schema.ts), the loading (load.ts) and what the functions' environments get
 * (runtime-env.ts).
 */
export { CONFIG_CONTEXT_KEY, CONFIG_FILE_CONTEXT_KEY, loadConfig, parseConfig, readCdkJsonConfig } from './settings/load.js';
export type { AccountMapping, ZsaConfig, ZsaConfigInput } from './settings/schema.js';
