/**
 * Every choice the simulator makes where the public Zscaler docs are silent or unconfirmed, in one
 * place. `reference` points into /work/shared/reference/{zdx-api.md,zcspm-api.md}. Code that
 * implements a choice names its id in a comment where it is not obvious. The README's "what the
 * docs leave open" section can be generated from this list.
 */

/** One labelled choice where the docs are silent or unconfirmed. */
export interface SimulatorAssumption {
  readonly id: string;
  readonly choice: string;
  readonly reference: string;
  /** Config key that switches to an alternative, when there is one. */
  readonly configurable?: string;
}

/** The labelled choices, grouped by API. */
export const SIMULATOR_ASSUMPTIONS: readonly SimulatorAssumption[] = [
  // ZDX: authentication
  { id: 'zdx-token-variant', choice: 'POST /v1/oauth/token requires the hashed form {key_id, key_secret: sha256hex("<secret>:<timestamp>"), timestamp}; the plain form is accepted only when enabled.', reference: 'zdx-api.md §1.1', configurable: 'zdx.acceptPlainSecret' },
  { id: 'zdx-token-errors', choice: 'Wrong key id, wrong hash or a timestamp more than 900 s away -> 401 {code:"UNAUTHORIZED", message}; a missing timestamp (plain form disabled) or a malformed body -> 400.', reference: 'zdx-api.md §1.1', configurable: 'zdx.timestampWindowSeconds' },
  { id: 'zdx-error-body', choice: 'Every ZDX error body is {code: "<UPPER_SNAKE>", message}.', reference: 'zdx-api.md §5.4' },
  { id: 'zdx-jwt', choice: 'Tokens are RS256 JWTs really signed with a per-process RSA key ({alg, typ, kid}; claims sub=key id, aud, iss, iat, exp, jti); /oauth/jwks returns the public key; expires_in is the configured lifetime (3600).', reference: 'zdx-api.md §1.1, §1.3', configurable: 'zdx.tokenLifetimeSeconds' },
  { id: 'zdx-bearer', choice: 'A bearer is valid only if this simulator issued it, it has not expired and it was not revoked; /oauth/validate and /oauth/jwks need one too. Missing/invalid/expired/revoked -> 401.', reference: 'zdx-api.md §1.2–1.4' },
  // ZDX: rate limits
  { id: 'zdx-rate-limit-scope', choice: 'One tenant budget (not per IP) of 5/s and 30/min as fixed windows starting with the first call; every /v1 call counts (also /oauth/*), checked before authentication; a rejected call consumes nothing.', reference: 'zdx-api.md §5.3', configurable: 'zdx.rateLimit.*' },
  { id: 'zdx-rate-limit-headers', choice: 'Every ZDX response carries RateLimit-Limit/-Remaining/-Reset (UTC epoch seconds, rounded up) for the most constrained window, plus X-Ratelimit-{Limit,Remaining}-{Second,Minute}; rate-limit 429s carry no Retry-After unless enabled; body {code:"TOO_MANY_REQUESTS"}.', reference: 'zdx-api.md §5.3', configurable: 'zdx.rateLimit.xRateLimitHeaders, zdx.rateLimit.retryAfter' },
  // ZDX: lists
  { id: 'zdx-pagination', choice: 'next_offset is an opaque base64url string (null on the last page); default limit 50, max 500; an offset this API did not issue -> 400.', reference: 'zdx-api.md §5.1', configurable: 'zdx.defaultPageLimit, zdx.maxPageLimit' },
  { id: 'zdx-time-range', choice: 'from/to must be integer epoch seconds, to >= from, span <= 14 days (else 400). Without them nothing is filtered (no implicit 2-hour window). Ongoing alerts are filtered by started_on <= to; historical ones by ended_on within [from, to].', reference: 'zdx-api.md §3.1, §5.2' },
  { id: 'zdx-alert-values', choice: 'severity High|Medium|Low; alert_type "Application"; alert_status "Ongoing"|"Completed"; ended_on 0 while ongoing; geolocations [{id (string), name, num_devices}].', reference: 'zdx-api.md §3.3' },
  { id: 'zdx-device-filters', choice: '/devices accepts both userids and user_ids, and emails; values repeated or comma-separated.', reference: 'zdx-api.md §4' },
  { id: 'zdx-probe-ids', choice: 'Probes are configured per app, tenant-wide: web probe id 1000+appId, Cloud Path probe id 2000+appId; each device monitors 4 apps (always Outlook Online, id 1).', reference: 'zdx-api.md §4' },
  // ZDX: deep traces
  { id: 'zdx-trace-status', choice: 'Status strings not_started -> started -> in_progress -> completed (5% + 5% of the session before in_progress); outcome per device: failed (at 50% of the session), expired (not_started for the whole session, then expired), incomplete (half the data).', reference: 'zdx-api.md §2.5', configurable: 'zdx.deepTraces.outcomes, defaultOutcome, notStartedFraction, startedFraction' },
  { id: 'zdx-trace-timing', choice: 'A session lasts session_length_minutes x 60 s x timeScale of simulator-clock time; status is computed from the clock (no timers).', reference: 'zdx-api.md §2.6', configurable: 'timeScale' },
  { id: 'zdx-trace-id', choice: 'trace_id is a 15-digit decimal string (like the SDK examples), unique per seed.', reference: 'zdx-api.md §2.3' },
  { id: 'zdx-trace-start-response', choice: 'Start answers 200 with the full trace object plus expected_time (seconds) and expected_time_minutes.', reference: 'zdx-api.md §2.3' },
  { id: 'zdx-trace-start-body', choice: 'session_name (non-empty) and app_id are required; web_probe_id / cloudpath_probe_id optional (cloud_path_probe_id accepted too; disagreeing values -> 400) and must belong to the app; session_length_minutes in {5,15,30,60}, default 5; probe_device default false; the app must be monitored on the device; unknown fields are ignored.', reference: 'zdx-api.md §2.2' },
  { id: 'zdx-trace-caps', choice: 'A second active trace on a device -> 409 {code:"DEEPTRACE_ALREADY_ACTIVE"}; starting beyond the tenant cap (default 15) -> 409 {code:"DEEPTRACE_LIMIT_REACHED"}; both can be switched to 429 ("rate limit or device threshold"). The cap can never be exceeded; the highest concurrency is counted.', reference: 'zdx-api.md §2.6, §5.4', configurable: 'zdx.deepTraces.tenantCap, capRejectStatus' },
  { id: 'zdx-trace-details', choice: 'trace_details carries session_length (help page) rather than session_length_minutes (PY model); started_at/ended_at are 0 until they happen.', reference: 'zdx-api.md §2.4' },
  { id: 'zdx-trace-delete', choice: 'DELETE works in any status, deletes the trace and its data (later GETs -> 404) and answers 200 {trace_id}.', reference: 'zdx-api.md §2.4' },
  // ZDX: history before a deep trace, and score analysis
  { id: 'zdx-history-shapes', choice: 'The history endpoints (web-probes/{id}, cloudpath-probes/{id}, .../cloudpath, health-metrics, events) answer bare arrays shaped like the deep-trace results (webprobe-metrics, cloudpath-metrics, cloudpath, health-metrics, events); an unknown probe or an app not monitored on the device -> 404.', reference: 'zdx-api.md §4, §2.7' },
  { id: 'zdx-history-samples', choice: 'One history sample every 300 s (the probe interval) from `from` to `to` (default: the last 2 hours; `to` is capped at now); a longer span is cut to its last 2 hours, not rejected.', reference: 'zdx-api.md §4, §5.2' },
  { id: 'zdx-history-visibility', choice: "A degraded device's history shows its root cause clearly (noisier than a trace: 25% jitter) for 6 devices in 10, halfway between healthy and the profile for 2 in 10, and not at all for 2 in 10 (the problem began inside ZDX's ~20-minute reporting delay), fixed per seed and device id; events follow (none when absent).", reference: 'zdx-api.md §5.5', configurable: 'RunningSimulator.zdx.setHistoryVisibility' },
  { id: 'zdx-score-analysis', choice: 'POST /v1/analysis {device_id, app_id, t0, t1} -> 200 {analysis_id, status:"in_progress"}; GET /v1/analysis/{id} -> {analysis_id, status:"in_progress"|"completed", score, issues:[{category, reason, impact}]} (completed after 20 s x timeScale); a tenant without the feature answers 403 {code:"FORBIDDEN"}.', reference: 'zdx-api.md §2.1', configurable: 'zdx.scoreAnalysis' },
  { id: 'zdx-trace-results-timing', choice: 'Result endpoints return bare arrays: [] before data exists, partial data while in_progress, everything once completed (half for failed/incomplete); one datapoint per session minute stamped in simulated session time.', reference: 'zdx-api.md §2.7' },
  { id: 'zdx-trace-result-content', choice: 'webprobe-metrics/cloudpath(-metrics) are [] without that probe; health-metrics/top-processes are [] without probe_device. Metric names: pft, dns_time, tcp_connect_time, ssl_handshake_time, server_response_time, availability; legs Client -> Egress -> ZEN -> Destination with latency/packet_loss; health categories cpu, memory, disk, network, wifi (signal_quality %, rssi dBm); event categories Network, Software, Zscaler; top processes heaviest first.', reference: 'zdx-api.md §2.7' },
  { id: 'zdx-events-inner-key', choice: 'events entries hold their items under "events" (PY), switchable to "instances" (GO).', reference: 'zdx-api.md §2.7', configurable: 'zdx.deepTraces.eventsInnerKey' },
  { id: 'zdx-device-profiles', choice: 'Each device has a profile (healthy, poor-wifi, high-cpu, zscaler-latency, app-server-slow) that shapes probe summaries and trace results; seeded alert 7263519 has poor-wifi, high-cpu and zscaler-latency devices.', reference: 'zdx-api.md §2.7, §4' },
  // ZCSPM
  { id: 'zcspm-apim-key', choice: 'Missing or wrong Ocp-Apim-Subscription-Key -> 401 with the generic Azure APIM bodies {statusCode, message} on every ZCSPM path, checked first.', reference: 'zcspm-api.md §4' },
  { id: 'zcspm-error-body', choice: 'Other ZCSPM errors use {result: null, statusCode, message}.', reference: 'zcspm-api.md §4' },
  { id: 'zcspm-auth-errors', choice: 'Missing/invalid/expired/revoked bearer -> 401; a license token on an account API, an account token on a license API or for another account -> 403; unknown license id in the path -> 404; wrong app id or secret -> 401.', reference: 'zcspm-api.md §4, §10' },
  { id: 'zcspm-account-token', choice: 'An account token is issued only for an account in the API app scope; unknown or out-of-scope accountId -> 403; a non-GUID accountId -> 400.', reference: 'zcspm-api.md §3.2' },
  { id: 'zcspm-token-format', choice: 'Tokens are JWT-shaped (RS256) but clients must treat them as opaque; the response carries no expiry; they expire after zcspm.tokenLifetimeSeconds (60 min).', reference: 'zcspm-api.md §3.2', configurable: 'zcspm.tokenLifetimeSeconds' },
  { id: 'zcspm-job-phases', choice: 'jobStatus New (first 10% of the duration) -> Pending (to 20%) -> Running -> Success | Failed; "never" stays Running; legacy mode reports Completed instead of Success. Job ids are GUIDs.', reference: 'zcspm-api.md §5.2', configurable: 'zcspm.scan.* (per account: zcspm.scan.accounts[id]; one-shot: setNextScan)' },
  { id: 'zcspm-rescan-while-running', choice: 'rescan while a job is New/Pending/Running returns that job id (no new scan counted); alternatives: 409 or always a new job.', reference: 'zcspm-api.md §5.1, §8', configurable: 'zcspm.scan.rescanWhileRunning' },
  { id: 'zcspm-scan-quota', choice: 'accountScanQuotaDetails: allocatedQuota 20, consumedQuota = jobs started in the last 24 h; not enforced.', reference: 'zcspm-api.md §5.6, §8' },
  { id: 'zcspm-unknown-job', choice: 'Unknown job id -> 404; a report for a job that did not succeed -> 409; no successful scan yet (report without jobId) -> 404.', reference: 'zcspm-api.md §5.2, §5.3' },
  { id: 'zcspm-report-job', choice: 'Both summary forms work: /job/{jobId}/benchmark/{id}/summary and /benchmark/{id}/summary[?jobId=]; without jobId the latest successful scan. failedassets also accepts an optional jobId.', reference: 'zcspm-api.md §5.3, §5.9' },
  { id: 'zcspm-benchmark-unsupported', choice: 'A benchmark unknown or not for the account\'s connector -> 404 (not the legacy null body). Benchmark ids match case-insensitively. AWS accounts support CSBP, PCI3_2, AWSFDCIS1_2_0.', reference: 'zcspm-api.md §5.3, §5.4, §10' },
  { id: 'zcspm-summary-casing', choice: 'The audit summary is camelCase (posture, resourceCategories[].policies[]), counts follow §6 (Gray without resources, CompliancePercent without Gray, rounded to 5 decimals); lastScannedDateEpochTime is float seconds.', reference: 'zcspm-api.md §6' },
  { id: 'zcspm-risk', choice: 'riskProbability from the failing share (0 NotLikely, <25% Moderate, <50% High, else Certain; " " without resources); riskLevel from severity x probability, extending the pairs seen in the sample.', reference: 'zcspm-api.md §6' },
  { id: 'zcspm-resource-types', choice: 'resourceType uses CloudFormation type names (AWS::S3::Bucket ...); resourceId is the ARN; IAM and S3 resources have region "global".', reference: 'zcspm-api.md §5.9' },
  { id: 'zcspm-failedassets-paging', choice: 'pageNumber from 1, pageSize default 1000 (max 5000); a page past the end has an empty list; items ordered by benchmark category then policy; accessLevel Public|Private; impact = policy severity; benchmarkId missing -> 400.', reference: 'zcspm-api.md §5.9', configurable: 'zcspm.defaultFailedAssetsPageSize' },
  { id: 'zcspm-connector-type', choice: 'connectorType "AWS" for AWS accounts and "Azure" for the seeded Azure one.', reference: 'zcspm-api.md §5.5' },
  { id: 'zcspm-license-accounts', choice: 'licenseAccounts lists every account on the license, isInApiScope telling which can get account tokens.', reference: 'zcspm-api.md §5.5' },
  { id: 'zcspm-update-scope', choice: 'PUT config answers "Account Added" also when the account is already in scope; an unknown account -> 404.', reference: 'zcspm-api.md §5.7' },
  { id: 'zcspm-onboarding', choice: 'Onboarding an AWS account already on the license -> 409; a new account is out of the API scope until PUT config; its first scan starts at once.', reference: 'zcspm-api.md §5.8' },
  { id: 'zcspm-health-prerequisites', choice: 'The AWS prerequisite list of healthstatus is invented (no AWS sample exists).', reference: 'zcspm-api.md §5.6' },
  { id: 'zcspm-drift', choice: 'Each successful scan fixes some findings and adds new ones (deterministic per seed and scan count); failed assets added through the control API appear in scans that complete after they were added.', reference: 'none (simulation design)', configurable: 'zcspm.scan.fixesPerScan, newFailuresPerScan' },
  { id: 'zcspm-no-rate-limit', choice: 'No ZCSPM rate limit (the APIM product is "Unlimited"); 429s come only from faults, with the APIM body.', reference: 'zcspm-api.md §8' },
  { id: 'zcspm-path-case', choice: 'Path segments match case-insensitively (APIM behaviour); the /api prefix of 2020 drafts is not served.', reference: 'zcspm-api.md §2' },
  // Faults
  { id: 'fault-placement', choice: '429, 5xx and connection resets happen before the handler (no side effect); slow, malformed-json and wrong-shape replies happen after it (the side effect, e.g. a started scan or trace, is real); token-revoked revokes every token of that API issued so far and then handles the request (so it gets 401 unless it is a token request).', reference: 'none (simulation design)', configurable: 'faults.*' },
  { id: 'fault-order', choice: 'One-shot faults fire before random ones, in the order added; excluded paths never get either. The ZDX rate limit is evaluated before faults, and a rate-limited call gets no fault.', reference: 'none (simulation design)', configurable: 'faults.excludePaths' },
  { id: 'fault-shapes', choice: 'malformed-json sends the first half of the real JSON text; wrong-shape changes the type of the first top-level field (arrays become {items:[...]}); a reset is recorded with status 0.', reference: 'none (simulation design)' },
];
