/**
 * Loading the deployment configuration (cdk.json context key `zsa`) and saying what is wrong with it.
 *
 * Sources, later ones layered over earlier ones (objects merge key by key, arrays and values replace):
 * 1. `context.zsa` in cdk.json, or `-c zsa='{"...": ...}'` on the command line (a JSON string; the CLI
 *    replaces the cdk.json value as a whole);
 * 2. `-c zsaConfigFile=path/to/config.json` (relative to the working directory).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { ConfigError } from '../../lambdas/core/errors.js';
import { defaultMessage, flattenIssues, isPlainObject } from './issues.js';
import { ZsaConfigSchema, type ZsaConfig } from './schema.js';

/** Context key of the configuration object. */
export const CONFIG_CONTEXT_KEY = 'zsa';
/** Context key of an optional JSON file layered over {@link CONFIG_CONTEXT_KEY}. */
export const CONFIG_FILE_CONTEXT_KEY = 'zsaConfigFile';

/** Raw context values, for callers without a construct (tests, the CLI, the sandbox). */
export interface RawConfigContext {
  readonly [CONFIG_CONTEXT_KEY]?: unknown;
  readonly [CONFIG_FILE_CONTEXT_KEY]?: unknown;
}

interface ContextSource {
  readonly node: { tryGetContext(key: string): unknown };
}

/** One source of configuration, in the order they are layered. */
interface ConfigLayer {
  /** How messages name it, e.g. `cdk.json context "zsa"`, `-c zsa=...`, `./prod.json`. */
  readonly name: string;
  readonly value: unknown;
}

const CDK_JSON_LAYER = `cdk.json context "${CONFIG_CONTEXT_KEY}"`;

/**
 * Reads, layers and validates the configuration from a construct's context (usually the App) or from
 * raw context values. Layers, each merged onto the one before: `cdk.json` context `zsa`; a
 * `-c zsa='{...}'` on the command line (the CDK would let it replace the whole block, so it is merged
 * onto the `cdk.json` in the working directory instead); the file named by `-c zsaConfigFile=FILE`.
 * Throws {@link ConfigError} listing every problem as `zsa.<key>: <what is wrong>`, naming the layers.
 */
export function loadConfig(source: ContextSource | RawConfigContext, options: { readonly cwd?: string } = {}): ZsaConfig {
  const context: RawConfigContext = isContextSource(source)
    ? {
        [CONFIG_CONTEXT_KEY]: source.node.tryGetContext(CONFIG_CONTEXT_KEY),
        [CONFIG_FILE_CONTEXT_KEY]: source.node.tryGetContext(CONFIG_FILE_CONTEXT_KEY),
      }
    : source;
  const layers: ConfigLayer[] = [];
  const inline = context[CONFIG_CONTEXT_KEY];
  if (typeof inline === 'string') {
    const cdkJson = readCdkJsonConfig(options.cwd ?? process.cwd());
    if (cdkJson !== undefined) layers.push({ name: CDK_JSON_LAYER, value: cdkJson });
    layers.push({ name: `-c ${CONFIG_CONTEXT_KEY}=...`, value: readContextValue(inline) });
  } else if (inline !== undefined && inline !== null) {
    layers.push({ name: CDK_JSON_LAYER, value: inline });
  }
  const file = context[CONFIG_FILE_CONTEXT_KEY];
  if (file !== undefined && file !== null && file !== '') {
    if (typeof file !== 'string') throw new ConfigError(`${CONFIG_FILE_CONTEXT_KEY}: expected a file path`);
    layers.push({ name: file, value: readConfigFile(file) });
  }
  const merged = layers.reduce<unknown>((base, layer) => mergeConfig(base, layer.value), {});
  return parseConfig(merged, layers.length > 0 ? layers.map((layer) => layer.name).join(' + ') : CDK_JSON_LAYER);
}

/** `context.zsa` of the `cdk.json` in `dir`, or undefined when there is none. */
export function readCdkJsonConfig(dir: string): unknown {
  const path = resolvePath(dir, 'cdk.json');
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const context = (parsed as { context?: Record<string, unknown> } | null)?.context;
  return context?.[CONFIG_CONTEXT_KEY];
}

/**
 * Validates one raw configuration object (the value of `context.zsa`); `source` names where it came
 * from in the error heading. Every problem is reported in one round.
 */
export function parseConfig(raw: unknown, source: string = CDK_JSON_LAYER): ZsaConfig {
  const result = ZsaConfigSchema.safeParse(raw, { error: defaultMessage });
  if (result.success) return result.data;
  const lines = flattenIssues(result.error.issues, ZsaConfigSchema).map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`);
  throw new ConfigError(`Invalid deployment configuration (${source}):\n${lines.join('\n')}`);
}

/** The sandbox license id the simulator and the shipped cdk.json use: never a real tenant's. */
export const PLACEHOLDER_LICENSE_ID = '00000000-0000-4000-8000-000000000001';

/**
 * What a valid configuration still cannot do in a real deployment, said at synth as warnings (the
 * shipped `cdk.json` is valid, so it runs locally, but scans nothing in a real account).
 */
export function configWarnings(config: ZsaConfig): string[] {
  const warnings: string[] = [];
  if (config.zcspmLicenseId === PLACEHOLDER_LICENSE_ID) {
    warnings.push(`${CONFIG_CONTEXT_KEY}.zcspmLicenseId is the sandbox placeholder ${PLACEHOLDER_LICENSE_ID}: set your ZCSPM license GUID before deploying`);
  }
  if (config.accountMappings.length === 0) {
    warnings.push(
      `${CONFIG_CONTEXT_KEY}.accountMappings is empty: every deployment will be reported as unmapped and none scanned ("npm run zsa -- accounts suggest" proposes mappings)`,
    );
  }
  return warnings;
}

/**
 * Layers `overlay` over `base`: plain objects merge key by key; arrays and other values replace, so
 * a later layer can shorten a list an earlier one set.
 */
export function mergeConfig(base: unknown, overlay: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(overlay)) return overlay === undefined ? base : overlay;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) merged[key] = mergeConfig(base[key], value);
  return merged;
}

function readContextValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch (error) {
    throw new ConfigError(`${CONFIG_CONTEXT_KEY}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

function readConfigFile(path: string): unknown {
  const absolute = resolvePath(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new ConfigError(`${CONFIG_FILE_CONTEXT_KEY}: cannot read ${absolute} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(`${CONFIG_FILE_CONTEXT_KEY}: ${absolute} is not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return [CONFIG_CONTEXT_KEY, ...path.map((part) => String(part))].join('.');
}

function isContextSource(source: ContextSource | RawConfigContext): source is ContextSource {
  const node = (source as { node?: unknown }).node;
  return typeof node === 'object' && node !== null && typeof (node as { tryGetContext?: unknown }).tryGetContext === 'function';
}
