/**
 * Help texts of `zsa` and its commands. Kept apart from the command modules (which load the HTTP
 * clients and the AWS SDK) so `--help` prints without loading any of them.
 */

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

const ENV_HELP = `Credentials and endpoints (default: the environment):
  ZDX_KEY_ID, ZDX_KEY_SECRET                 ZDX API key
  ZSCALER_CLIENT_ID, ZSCALER_CLIENT_SECRET   ZDX through OneAPI: the ZIdentity API client (or ZSCALER_PRIVATE_KEY)
  ZSCALER_VANITY_DOMAIN, ZDX_TOKEN_URL       its ZIdentity token endpoint (default: zdx.vanityDomain / zdx.tokenUrl)
  --zdx-auth api-key|oneapi                  ZDX authentication (default: ZDX_AUTH, then zdx.auth, then api-key)
  ZCSPM_APP_ID, ZCSPM_APP_SECRET             ZCSPM API application
  ZCSPM_SUBSCRIPTION_KEY                     ZCSPM APIM subscription key
  ZDX_BASE_URL, ZCSPM_BASE_URL               API hosts (default: the config, then the public hosts)
  ZCSPM_LICENSE_ID                           license (default: zcspmLicenseId of the config)
  --secrets-from-stack                       read the deployed secrets instead (ARNs from the stack outputs)
  --stack-name NAME                          the deployed stack (default ZscalerAwsAutomations)
  --region REGION                            its Region (default: AWS_REGION or the AWS profile)
  --zdx-secret-arn ARN                       one secret each, instead of the stack outputs
  --zcspm-secret-arn ARN
  --slack-secret-arn ARN
  --config FILE                              JSON layered over cdk.json context "zsa" (like -c zsaConfigFile)`;

const EXIT_HELP = 'Exit codes: 0 ok, 1 a check failed, 2 usage error.';

export const TOP_HELP = `Usage: npm run zsa -- <command> [options]

Commands:
${Object.entries(COMMAND_SUMMARIES)
  .map(([name, summary]) => `  ${name.padEnd(11)}${summary}`)
  .join('\n')}

Run "npm run zsa -- <command> --help" for a command's options.
${EXIT_HELP}`;

/** Per-command help, printed by `zsa <command> --help` before the command module is loaded. */
export const COMMAND_HELP: Readonly<Record<Exclude<CommandName, 'simulator'>, string>> = {
  sandbox: `Usage: npm run zsa -- sandbox [--cfn-event FILE ...] [--zdx-alert FILE ...] [--json]
       npm run zsa -- sandbox --serve [--port N] [--account ID ...]
       npm start            (the demo: a sample deployment and a sample alert through both pipelines)

Runs the synthesized state machines locally with the real handlers, DynamoDB Local and the
simulator. The options are the local runner's (local/sandbox):
  --cfn-event FILE     deliver a CloudFormation event as EventBridge would (repeatable)
  --zdx-alert FILE     deliver a ZDX webhook body to the alert intake (repeatable)
  --json               print one JSON document with the scans, diagnostics and ignored inputs
  --serve              keep running with a local HTTP server on 127.0.0.1 until Ctrl+C:
                       POST /zdx/alerts (ZDX webhooks; the sandbox bearer token is printed at
                       start), POST /cloudformation/events, GET /runs/{id}
  --port N             the --serve port (default 8787; 0 picks a free one)
  --account ID         with --serve: AWS accounts to map (default the sample's 111122223333)
  --zdx-auth MODE      api-key (default) or oneapi: reach the simulated ZDX through OneAPI
${EXIT_HELP}`,

  doctor: `Usage: npm run zsa -- doctor [--post-test-message] [--json] [credential options]

Checks, against the real services (or the simulator, given its base URLs):
  - the deployment config (cdk.json context "zsa", or --config FILE)
  - the ZDX API key (/v1/oauth/token) and its token (/v1/oauth/validate), or with --zdx-auth oneapi
    the ZIdentity API client (its token URL) and its token (GET /zdx/v1/apps through OneAPI)
  - the ZCSPM subscription key (a wrong one gets the APIM 401) and the license token
  - the license's accounts, the API permissions, which accounts the config maps, and mapped ids the
    license does not know
  - the Slack webhook: its URL shape, or a real test message with --post-test-message
Each line says ok or failed and why. Secrets are never printed.

Options:
  --post-test-message  post a short test message to the Slack webhook
  --json               print the checks as one JSON document

${ENV_HELP}
  SLACK_WEBHOOK_URL                          Slack incoming webhook

${EXIT_HELP} (1: any check failed)`,

  scan: `Usage: npm run zsa -- scan --account <AWS account id | ZCSPM account GUID> [options]

A CI gate after a deployment: starts a ZCSPM rescan of the account, optionally waits for it, prints
the posture (compliance, Red/Amber/Green/Gray policy counts, top failed policies) and exits 1 when
the threshold is crossed. An AWS account id is mapped through accountMappings of the config.

Options:
  --account ID           AWS account id (12 digits) or ZCSPM cloud account GUID (required)
  --wait                 wait for the scan to finish (polls with backoff); without it the posture
                         of the last completed scan is shown and gated
  --fail-on LEVEL        red: fail on any Red policy (default); amber: on any Red or Amber; none
  --benchmark ID         benchmark to report (default: the config's first, else CSBP)
  --timeout-minutes N    give up waiting after N minutes (default 60)
  --json                 print one JSON document instead of the table

${ENV_HELP}

${EXIT_HELP} (1: threshold crossed, scan failed or timed out)`,

  trace: `Usage: npm run zsa -- trace --device ID --app ID [--wait] [options]

Starts a ZDX deep trace on one device with the application's web and Cloud Path probes, and with
--wait polls it to the end, collects the six result sets and prints the diagnosis (the same
analysis the alert pipeline runs).

Options:
  --device ID            ZDX device id (required)
  --app ID               ZDX application id (required)
  --wait                 wait for the trace and print the diagnosis
  --trace-id ID          follow a trace started earlier instead of starting one (implies --wait)
  --session-minutes N    session length: 5, 15, 30 or 60 (default: the config, else 5)
  --json                 print the diagnostics report as JSON

${ENV_HELP}

${EXIT_HELP} (1: the trace failed, expired, or could not start)`,

  accounts: `Usage: npm run zsa -- accounts suggest [--json] [credential options]

Lists the ZCSPM license's cloud accounts and proposes AWS account -> ZCSPM account mappings by
finding a 12-digit AWS account id in each account name (e.g. "prod (111122223333)"). Prints a
ready-to-paste "accountMappings" object for cdk.json (context "zsa"), merged with the mappings the
config already has.

Options:
  --json                 print only the JSON (accountMappings plus what could not be matched)

${ENV_HELP}

${EXIT_HELP}`,
};
