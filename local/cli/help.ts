/**
 * The command lines of `zsa`, `npm start` (the sandbox) and the simulator, one {@link CommandSpec}
 * each: the parsers, `--help` and the usage-error synopsis are generated from these. Kept apart from
 * the command modules (which load the HTTP clients and the AWS SDK) so `--help` loads none of them.
 */
import { helpText, type CommandSpec, type OptionGroup, type OptionSpec } from './command-spec.js';

/** The commands, in the order `zsa --help` lists them, with their one-line summaries. */
export const COMMAND_SUMMARIES = {
  sandbox: 'run the pipelines locally (simulator, DynamoDB Local, synthesized state machines)',
  simulator: 'run the Zscaler API simulator in the foreground',
  doctor: 'check credentials, license accounts, account mappings and the Slack webhook',
  scan: 'rescan a cloud account and gate on its posture (CI, after a deployment)',
  trace: 'start a ZDX deep trace on one device and print the diagnosis',
  accounts: 'list ZCSPM license accounts and suggest account mappings',
} as const;

export type CommandName = keyof typeof COMMAND_SUMMARIES;

const EXIT_HELP = 'Exit codes: 0 ok, 1 a check failed, 2 usage error.';

/** Where the API-facing commands take credentials from; also the README's "Try the CLI" variables. */
const CREDENTIAL_ENV_HELP = `Default: the environment.
  ZDX_KEY_ID, ZDX_KEY_SECRET                 ZDX API key
  ZSCALER_CLIENT_ID, ZSCALER_CLIENT_SECRET   ZDX through OneAPI: the ZIdentity API client (or ZSCALER_PRIVATE_KEY)
  ZSCALER_VANITY_DOMAIN, ZDX_TOKEN_URL       its ZIdentity token endpoint (default: zdx.vanityDomain / zdx.tokenUrl)
  ZDX_AUTH                                   api-key or oneapi (default: zdx.auth of the config, then api-key)
  ZCSPM_APP_ID, ZCSPM_APP_SECRET             ZCSPM API application
  ZCSPM_SUBSCRIPTION_KEY                     ZCSPM APIM subscription key
  ZDX_BASE_URL, ZCSPM_BASE_URL               API hosts (default: the config, then the public hosts)
  ZCSPM_LICENSE_ID                           license (default: zcspmLicenseId of the config)
  SLACK_WEBHOOK_URL                          Slack incoming webhook (doctor only)
Against the local simulator: see "Try the CLI against the simulator" in the README.`;

/** Options of every command that calls the Zscaler APIs. */
const CREDENTIAL_GROUP: OptionGroup = {
  heading: 'Credentials and endpoints',
  preamble: CREDENTIAL_ENV_HELP,
  options: [
    { name: 'zdx-auth', type: 'string', value: 'MODE', help: 'api-key (the legacy ZDX API key) or oneapi (a ZIdentity client, then /zdx/v1)\n(default: ZDX_AUTH, then zdx.auth of the config, then api-key)' },
    { name: 'secrets-from-stack', type: 'boolean', help: 'read the deployed secrets instead (ARNs from the stack outputs)' },
    { name: 'stack-name', type: 'string', value: 'NAME', help: 'the deployed stack (default ZscalerAwsAutomations)' },
    { name: 'region', type: 'string', value: 'REGION', help: 'its Region (default: AWS_REGION or the AWS profile)' },
    { name: 'zdx-secret-arn', type: 'string', value: 'ARN', help: 'the ZDX secret, instead of the stack outputs' },
    { name: 'zcspm-secret-arn', type: 'string', value: 'ARN', help: 'the ZCSPM secret, instead of the stack outputs' },
    { name: 'slack-secret-arn', type: 'string', value: 'ARN', help: 'the Slack secret, instead of the stack outputs' },
    { name: 'config', type: 'string', value: 'FILE', help: 'JSON layered over cdk.json context "zsa" (like -c zsaConfigFile=FILE)' },
  ],
};

const JSON_OPTION = (what: string): OptionSpec => ({ name: 'json', type: 'boolean', help: what });

/** `zsa sandbox` and `npm start`: one spec, so both print the same help. */
export const SANDBOX_SPEC: CommandSpec = {
  invocation: 'npm run zsa -- sandbox',
  alternatives: ['npm start -- [options]   (the same command; without an event file it runs the demo)'],
  description: `Runs the synthesized state machines locally with the real handlers, DynamoDB Local and the
simulator. Without any event file, a demo runs a sample deployment and a sample ZDX alert through
both pipelines.`,
  groups: [
    {
      heading: 'Options',
      options: [
        { name: 'cfn-event', type: 'string', value: 'FILE', multiple: true, help: 'a CloudFormation event as EventBridge delivers it (or a JSON array of them)' },
        { name: 'zdx-alert', type: 'string', value: 'FILE', multiple: true, help: 'a ZDX alert webhook body' },
        JSON_OPTION('print one JSON document: { scans, diagnostics, ignored }'),
        {
          name: 'slack-webhook',
          type: 'string',
          value: 'URL',
          help: 'also post the Slack messages to this incoming webhook (https://hooks.slack.com/...,\nor http://127.0.0.1:PORT/... to capture them locally)',
        },
        {
          name: 'serve',
          type: 'boolean',
          help: `keep running with a local HTTP server on 127.0.0.1 until Ctrl+C:
  POST /zdx/alerts              a ZDX webhook body (the bearer token is printed at start)
  POST /cloudformation/events   a CloudFormation event (or an array of them)
  GET  /runs/{id}               a run's result`,
        },
        {
          name: 'zdx-auth',
          type: 'string',
          value: 'MODE',
          help: 'how the pipeline reaches the simulated ZDX: api-key (default, the legacy ZDX API\nkey on /v1) or oneapi (a ZIdentity client, then /zdx/v1 through OneAPI)',
        },
        { name: 'port', type: 'string', value: 'N', help: 'with --serve: the port (default 8787; 0 picks a free one)' },
        { name: 'account', type: 'string', value: 'ID', multiple: true, help: 'with --serve: an AWS account mapped to a simulated ZCSPM account\n(default 111122223333, the sample deployment\'s)' },
      ],
    },
  ],
  footer: 'Exit codes: 0 done, 1 the run failed, 2 usage error (a bad option, an unreadable or non-JSON file).',
};

/** `zsa simulator` and `npm run simulator`. */
export const SIMULATOR_SPEC: CommandSpec = {
  invocation: 'npm run simulator --',
  alternatives: ['npm run zsa -- simulator [options]'],
  description: `Runs the Zscaler API simulator (ZDX under /v1, ZCSPM under /authorize, /compliance, /audit,
/onboarding) on 127.0.0.1 until interrupted, and prints the sandbox credentials.`,
  groups: [
    {
      heading: 'Options',
      options: [
        { name: 'port', type: 'string', value: 'N', help: 'port to listen on (default: a free port)' },
        { name: 'seed', type: 'string', value: 'N', help: 'seed of the generated data and random faults (default: 1)' },
        {
          name: 'time-scale',
          type: 'string',
          value: 'X',
          help: 'multiplies scan and deep-trace durations (default: 1; 0.01 = 100x faster,\nso a scan takes seconds instead of minutes)',
        },
      ],
    },
  ],
  footer: 'Control API: http://127.0.0.1:<port>/__sim/... (see local/simulator/README.md). Exit codes: 0 stopped, 2 usage error.',
};

export const DOCTOR_SPEC: CommandSpec = {
  invocation: 'npm run zsa -- doctor',
  description: `Checks, against the real services (or the simulator, given its base URLs):
  - the deployment config (cdk.json context "zsa", or --config FILE)
  - the ZDX API key (/v1/oauth/token) and its token (/v1/oauth/validate), or with --zdx-auth oneapi
    the ZIdentity API client (its token URL) and its token (GET /zdx/v1/apps through OneAPI)
  - the ZCSPM subscription key (a wrong one gets the APIM 401) and the license token
  - the license's accounts, the API permissions, which accounts the config maps, and mapped ids the
    license does not know
  - the Slack webhook: its URL shape, or a real test message with --post-test-message
Each line says ok, failed or skipped and why. Secrets are never printed.`,
  groups: [
    {
      heading: 'Options',
      options: [
        { name: 'post-test-message', type: 'boolean', help: 'post a short test message to the Slack webhook' },
        JSON_OPTION('print the checks as one JSON document'),
      ],
    },
    CREDENTIAL_GROUP,
  ],
  footer: `${EXIT_HELP} (1: any check failed)`,
};

export const SCAN_SPEC: CommandSpec = {
  invocation: 'npm run zsa -- scan',
  description: `A CI gate after a deployment: starts a ZCSPM rescan of the account, optionally waits for it, prints
the posture (compliance, Red/Amber/Green/Gray policy counts, top failed policies) and exits 1 when
the threshold is crossed. An AWS account id is mapped through accountMappings of the config; an
unmapped one is looked up in the license's account names (as "accounts suggest" does), and the
command says which account it picked.`,
  groups: [
    {
      heading: 'Options',
      options: [
        { name: 'account', type: 'string', value: 'ID', required: true, help: 'AWS account id (12 digits) or ZCSPM cloud account GUID' },
        { name: 'wait', type: 'boolean', help: 'wait for the scan to finish (polls with backoff); without it the posture\nof the last completed scan is shown and gated' },
        { name: 'fail-on', type: 'string', value: 'LEVEL', help: 'red: fail on any Red policy (default); amber: on any Red or Amber; none' },
        { name: 'benchmark', type: 'string', value: 'ID', help: "benchmark to report (default: the config's first, else CSBP)" },
        { name: 'timeout-minutes', type: 'string', value: 'N', help: 'give up waiting after N minutes (default 60)' },
        JSON_OPTION('print one JSON document instead of the table'),
      ],
    },
    CREDENTIAL_GROUP,
  ],
  footer: `${EXIT_HELP} (1: threshold crossed, scan failed or timed out)`,
};

export const TRACE_SPEC: CommandSpec = {
  invocation: 'npm run zsa -- trace',
  description: `Starts a ZDX deep trace on one device with the application's web and Cloud Path probes, and with
--wait polls it to the end, collects the six result sets and prints the diagnosis (the same
analysis the alert pipeline runs).`,
  groups: [
    {
      heading: 'Options',
      options: [
        { name: 'device', type: 'string', value: 'ID', required: true, help: 'ZDX device id' },
        { name: 'app', type: 'string', value: 'ID', required: true, help: 'ZDX application id' },
        { name: 'wait', type: 'boolean', help: 'wait for the trace and print the diagnosis' },
        { name: 'trace-id', type: 'string', value: 'ID', help: 'follow a trace started earlier instead of starting one (implies --wait)' },
        { name: 'session-minutes', type: 'string', value: 'N', help: 'session length: 5, 15, 30 or 60 (default: the config, else 5)' },
        JSON_OPTION('print the diagnostics report as JSON'),
      ],
    },
    CREDENTIAL_GROUP,
  ],
  footer: `${EXIT_HELP} (1: the trace failed, expired, or could not start)`,
};

export const ACCOUNTS_SPEC: CommandSpec = {
  invocation: 'npm run zsa -- accounts',
  positionals: 'suggest',
  description: `Lists the ZCSPM license's cloud accounts and proposes AWS account -> ZCSPM account mappings by
finding a 12-digit AWS account id in each account name (e.g. "prod (111122223333)"). Prints a
ready-to-paste "accountMappings" object for cdk.json (context "zsa"), merged with the mappings the
config already has.`,
  groups: [{ heading: 'Options', options: [JSON_OPTION('print only the JSON (accountMappings plus what could not be matched)')] }, CREDENTIAL_GROUP],
  footer: EXIT_HELP,
};

/** Every command's spec. */
export const COMMAND_SPECS: Readonly<Record<CommandName, CommandSpec>> = {
  sandbox: SANDBOX_SPEC,
  simulator: SIMULATOR_SPEC,
  doctor: DOCTOR_SPEC,
  scan: SCAN_SPEC,
  trace: TRACE_SPEC,
  accounts: ACCOUNTS_SPEC,
};

export const TOP_HELP = `Usage: npm run zsa -- <command> [options]

Commands:
${Object.entries(COMMAND_SUMMARIES)
  .map(([name, summary]) => `  ${name.padEnd(11)}${summary}`)
  .join('\n')}

Run "npm run zsa -- <command> --help" for a command's options.
${EXIT_HELP}`;

/** A command's `--help` text. */
export function commandHelp(name: CommandName): string {
  return helpText(COMMAND_SPECS[name]);
}
