/**
 * Runtime settings of the post-deploy scan pipeline, validated once at cold start.
 *
 * The CDK construct serialises them into the `SCAN_SETTINGS` environment variable of every scan
 * Lambda (and derives the EventBridge rule's statuses from the same values), so the trigger, the
 * filters and the polling numbers can never disagree between the rule, the handlers and the state
 * machine. Every key has a default; a bad value fails fast with the key's name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { parseJsonSetting } from '../core/config.js';
import { ConfigError } from '../core/errors.js';

const accountId = z.lazy(() => z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'));
const region = z.lazy(() => z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS Region such as eu-west-1'));
const pattern = z.lazy(() => z.string().min(1).max(256));

export const PollingSettingsSchema = z.lazy(() =>
  z
    .object({
      /** Shortest wait between two status checks. @default 15 */
      minIntervalSeconds: z.number().int().min(1).max(3_600).default(15),
      /** Longest wait between two status checks once the first check has run (bounds detection delay). @default 120 */
      maxIntervalSeconds: z.number().int().min(1).max(3_600).default(120),
      /** First wait for an account without scan history (ZCSPM scans take minutes). @default 120 */
      firstWaitWithoutHistorySeconds: z.number().int().min(1).max(3_600).default(120),
      /** How many recent scan durations of an account are remembered and used. @default 10 */
      historySize: z.number().int().min(1).max(50).default(10),
      /** Durations needed before the adaptive schedule replaces the default one. @default 2 */
      minHistory: z.number().int().min(1).max(50).default(2),
      /** A scan still running after this long is reported as timed out. @default 7200 */
      scanTimeoutSeconds: z.number().int().min(1).max(86_400).default(7_200),
    })
    .refine((polling) => polling.minIntervalSeconds <= polling.maxIntervalSeconds, {
      message: 'minIntervalSeconds must not exceed maxIntervalSeconds',
      path: ['minIntervalSeconds'],
    }),
);
export type PollingSettings = z.infer<typeof PollingSettingsSchema>;

export const ScanSettingsSchema = z.lazy(() => z.object({
  /** Stack Status Change statuses that start a scan. @default CREATE_COMPLETE, UPDATE_COMPLETE, IMPORT_COMPLETE */
  triggerStatuses: z.array(z.string().regex(/^[A-Z_]+$/, 'must be a CloudFormation status such as UPDATE_COMPLETE')).min(1).default([
    'CREATE_COMPLETE',
    'UPDATE_COMPLETE',
    'IMPORT_COMPLETE',
  ]),
  /** StackSet instance `detailed-status` values that start a scan. @default SUCCEEDED */
  stackSetTriggerStatuses: z.array(z.string().regex(/^[A-Z_]+$/)).min(1).default(['SUCCEEDED']),
  /** StackSet instance actions that start a scan (a DELETE removes resources, DETECT_DRIFT changes nothing). @default CREATE, UPDATE */
  stackSetTriggerActions: z.array(z.string().regex(/^[A-Z_]+$/)).min(1).default(['CREATE', 'UPDATE']),
  /** Stack name globs (`*`, `?`) a stack must match to be scanned. @default ['*'] */
  includeStacks: z.array(pattern).min(1).default(['*']),
  /** Stack name globs that are never scanned; wins over `includeStacks`. @default [] */
  excludeStacks: z.array(pattern).default([]),
  /** AWS accounts whose deployments are scanned; empty means every account. @default [] */
  accounts: z.array(accountId).default([]),
  /** Regions whose deployments are scanned; empty means every Region. @default [] */
  regions: z.array(region).default([]),
  /** The integration's own stack (ARN and/or name): its deployments never trigger a scan. */
  ownStack: z
    .object({
      stackId: z.string().optional(),
      stackName: z.string().optional(),
      awsAccountId: z.string().optional(),
    })
    .default({}),
  /** Seconds a scan window stays open for more deployments before the scan starts. @default 60 */
  debounceSeconds: z.number().int().min(0).max(3_600).default(60),
  /** Benchmarks summarised per scan; the first one is the headline posture. @default ['CSBP'] */
  benchmarks: z.array(z.string().min(1).max(128)).min(1).default(['CSBP']),
  polling: PollingSettingsSchema.default(PollingSettingsSchema.parse({})),
  /** Failed assets listed in a report (the deployment's own first, then by severity). @default 25 */
  topFailures: z.number().int().min(0).max(200).default(25),
  /** Entries kept in each delta list (counts stay exact). @default 50 */
  deltaListLimit: z.number().int().min(0).max(500).default(50),
  /** Page size for the failed-assets API. @default 1000 */
  failedAssetPageSize: z.number().int().min(1).max(1_000).default(1_000),
  /** Stop reading failed assets after this many (a safety bound on time and memory). @default 20000 */
  maxFailedAssets: z.number().int().min(1).max(200_000).default(20_000),
  /** ZCSPM portal base URL for links in notifications (no link when absent). */
  zcspmPortalUrl: z.url().optional(),
  /** Days deployment records and scan history are kept. @default 90 */
  retentionDays: z.number().int().min(1).max(3_650).default(90),
}));
export type ScanSettings = z.infer<typeof ScanSettingsSchema>;

/** The settings with every default applied. */
export function defaultScanSettings(): ScanSettings {
  return ScanSettingsSchema.parse({});
}

/** Name of the environment variable that carries the settings as JSON. */
export const SCAN_SETTINGS_ENV = 'SCAN_SETTINGS';

/**
 * Parses the settings from `SCAN_SETTINGS` (JSON; absent means all defaults).
 * Throws {@link ConfigError} naming the variable and each bad key.
 */
export function parseScanSettings(env: Readonly<Record<string, string | undefined>>): ScanSettings {
  return parseJsonSetting(env[SCAN_SETTINGS_ENV], SCAN_SETTINGS_ENV, ScanSettingsSchema);
}

/** Name of the environment variable that maps AWS account ids to ZCSPM cloud-account GUIDs (JSON object). */
export const ACCOUNT_MAPPINGS_ENV = 'ACCOUNT_MAPPINGS';

/**
 * Name of the environment variable that names the mappings file shipped inside the function's bundle
 * (relative to `LAMBDA_TASK_ROOT`). Set by the stack on ScanRequest: the file lifts the 4 KB
 * environment limit, so an organization's 1,000+ accounts fit.
 */
export const ACCOUNT_MAPPINGS_FILE_ENV = 'ACCOUNT_MAPPINGS_FILE';

/** File name of the bundled mappings (same JSON object as {@link ACCOUNT_MAPPINGS_ENV}). */
export const ACCOUNT_MAPPINGS_FILE_NAME = 'account-mappings.json';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const AccountMappingsSchema = z.lazy(() => z.record(accountId, z.string().regex(GUID, 'must be a ZCSPM cloud-account GUID')));
export type AccountMappings = z.infer<typeof AccountMappingsSchema>;

/** How {@link parseAccountMappings} reads the bundled file; tests pass their own. */
export interface AccountMappingsFileReader {
  /** Returns the file's text, or `undefined` when it does not exist. */
  (path: string): string | undefined;
}

/**
 * The account mappings, from the first source that applies:
 * 1. the bundled file: when `ACCOUNT_MAPPINGS_FILE` is set and the code runs in Lambda
 *    (`LAMBDA_TASK_ROOT`, the bundle's directory); a missing file is a {@link ConfigError}, never "no mappings";
 * 2. `ACCOUNT_MAPPINGS` (JSON object `{ "<aws account id>": "<zcspm guid>" }`): local in-process runs
 *    (tests, the sandbox) and small configurations;
 * 3. none, when neither variable is set.
 * Outside Lambda, a file-only configuration (`ACCOUNT_MAPPINGS_FILE` without `ACCOUNT_MAPPINGS`) is a
 * {@link ConfigError} too: an empty mapping would report every account as unmapped.
 * Callers read it once per container (scan-wiring.ts memoizes it).
 */
export function parseAccountMappings(
  env: Readonly<Record<string, string | undefined>>,
  readFile: AccountMappingsFileReader = readIfExists,
): AccountMappings {
  const fileName = nonEmpty(env[ACCOUNT_MAPPINGS_FILE_ENV]);
  const taskRoot = nonEmpty(env.LAMBDA_TASK_ROOT);
  if (fileName !== undefined && taskRoot !== undefined) {
    const path = join(taskRoot, fileName);
    const text = readFile(path);
    if (text === undefined) {
      throw new ConfigError(`${ACCOUNT_MAPPINGS_FILE_ENV} names ${fileName}, but ${path} does not exist: the function was bundled without its account mappings`);
    }
    return parseMappingsJson(text, `${ACCOUNT_MAPPINGS_FILE_ENV} (${fileName})`);
  }
  const raw = nonEmpty(env[ACCOUNT_MAPPINGS_ENV]);
  if (raw !== undefined) return parseMappingsJson(raw, ACCOUNT_MAPPINGS_ENV);
  if (fileName !== undefined) {
    throw new ConfigError(
      `${ACCOUNT_MAPPINGS_FILE_ENV} is set but this is not a Lambda bundle (no LAMBDA_TASK_ROOT) and ${ACCOUNT_MAPPINGS_ENV} is absent: set ${ACCOUNT_MAPPINGS_ENV} for local runs`,
    );
  }
  return {};
}

function parseMappingsJson(text: string, source: string): AccountMappings {
  return parseJsonSetting(text, source, AccountMappingsSchema);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
}
