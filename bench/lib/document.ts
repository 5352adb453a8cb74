/**
 * The JSON document `npm run bench -- --json` prints, its schema, and the targets it is
 * judged by. Pure: no measuring here.
 */
import * as z from 'zod';

const count = z.number().int().nonnegative();
const figure = z.number().nonnegative();

/** One Lambda under `bundles`. */
export const BundleFigureSchema = z.object({ name: z.string(), bytes: count, initMs: figure, baselineInitMs: figure });
/** `tokenEconomy`. */
export const TokenEconomyFiguresSchema = z.object({
  callers: count,
  containers: count,
  /** Token requests per credential: the highest over the credentials exercised. */
  tokenRequests: count,
  credentials: count,
  tokenRequestsByCredential: z.record(z.string(), count),
});
/** `polling` (bench/polling.ts): status polls and detection delay of a ZCSPM scan. */
export const PollingFiguresSchema = z.object({
  medianStatusPolls: figure,
  medianDetectionDelaySeconds: figure,
  fixed10sStatusPolls: figure,
  fixed60sStatusPolls: figure,
  transitionsPerScan: figure,
});
/** `fanout` (bench/fanout.ts): the deep-trace fan-out of one alert against the ZDX rate limit. */
export const FanoutFiguresSchema = z.object({ devices: count, seconds: figure, theoreticalSeconds: figure, responses429: count });
/** `firstLook` (bench/first-look.ts): first-look verdicts of a 60-device alert at ZDX tier 1. */
export const FirstLookFiguresSchema = z.object({
  firstVerdictSeconds: figure,
  devices: count,
  devicesWithVerdict: count,
  allVerdictsSeconds: figure,
  floorSeconds: figure,
  zdxCallsPerDevice: figure,
  responses429: count,
});
/** `webhookLatencyMs` (bench/webhook-latency.ts): the warm AlertIntake handler, AWS calls excluded. */
export const WebhookLatencySchema = z.object({ p50: figure, p99: figure });
/** One Lambda under `memory`. */
export const MemoryFigureSchema = z.object({ name: z.string(), peakRssMb: figure });

const windowUse = z.object({ maxCalls: count, maxCallsAnyWindow: count, limit: count, shareLimit: count });
/** `storm` (bench/storm.ts): 30 alerts within 5 minutes at ZDX tier 1, half the tenant's budget. */
export const StormFiguresSchema = z.object({
  alerts: count,
  devicesAffected: count,
  timeCompression: figure,
  responses429: count,
  share: figure,
  maxShareUsed: figure,
  windows: z.object({ second: windowUse, minute: windowUse, hour: windowUse, day: windowUse }),
  firstVerdictSeconds: z.object({ p50: figure, p95: figure }),
  alertsWithVerdict: count,
  devicesWithVerdict: count,
  deepTraces: count,
  devicesSkippedForBudget: count,
  transitions: count,
  invocations: count,
  wallSeconds: figure,
});

const unitCost = z.object({ transitions: count, invocations: count, dynamodbReads: count, dynamodbWrites: count });
/** `orgDay` (bench/storm.ts): an organization's day priced from the measured cost of one scan and one alert. */
export const OrgDayFiguresSchema = z.object({
  accounts: count,
  deploymentsPerAccount: count,
  alerts: count,
  perScan: unitCost,
  perAlert: unitCost,
  transitions: count,
  invocations: count,
  dynamodbRequests: count,
  dollars: figure,
});

/** The whole document. A partial run (`--only`) carries only the sections it measured. */
export const BenchDocumentSchema = z.object({
  bundles: z.array(BundleFigureSchema).optional(),
  tokenEconomy: TokenEconomyFiguresSchema.optional(),
  polling: PollingFiguresSchema.optional(),
  fanout: FanoutFiguresSchema.optional(),
  firstLook: FirstLookFiguresSchema.optional(),
  webhookLatencyMs: WebhookLatencySchema.optional(),
  memory: z.array(MemoryFigureSchema).optional(),
  storm: StormFiguresSchema.optional(),
  orgDay: OrgDayFiguresSchema.optional(),
});
/** The document `npm run bench -- --json` prints. */
export type BenchDocument = z.infer<typeof BenchDocumentSchema>;

/** The targets each figure is judged by. */
export const TARGETS = {
  initRatio: 1.5,
  tokenRequestsPerCredential: 1,
  medianStatusPolls: 4,
  medianDetectionDelaySeconds: 60,
  fanoutRatio: 1.2,
  firstVerdictSeconds: 10,
  firstLookFloorRatio: 1.2,
  responses429: 0,
  /** Peak RSS at most this share of the 256 MB every function is given. */
  memoryShare: 0.75,
  memoryMb: 256,
} as const;

/** One target, met or not, with the figures behind it. */
export interface TargetCheck {
  readonly target: string;
  readonly met: boolean;
  readonly detail: string;
}

/** Checks every target the document has figures for. */
export function checkTargets(document: BenchDocument): TargetCheck[] {
  const checks: TargetCheck[] = [];
  if (document.bundles) {
    const misses = document.bundles.filter((bundle) => bundle.initMs > TARGETS.initRatio * bundle.baselineInitMs);
    checks.push({
      target: `initMs <= ${TARGETS.initRatio} x baseline for every Lambda`,
      met: misses.length === 0,
      detail: misses.length === 0 ? `${document.bundles.length} of ${document.bundles.length} within` : `${misses.length} of ${document.bundles.length} above: ${misses.map((bundle) => bundle.name).join(', ')}`,
    });
  }
  if (document.tokenEconomy) {
    const { tokenRequests, callers, containers, credentials } = document.tokenEconomy;
    checks.push({
      target: `${TARGETS.tokenRequestsPerCredential} token request per credential`,
      met: tokenRequests === TARGETS.tokenRequestsPerCredential,
      detail: `${callers} calls, ${containers} containers, ${credentials} credentials: at most ${tokenRequests} per credential`,
    });
  }
  if (document.polling) {
    const { medianStatusPolls, medianDetectionDelaySeconds } = document.polling;
    checks.push({
      target: `median status polls <= ${TARGETS.medianStatusPolls}, median detection delay <= ${TARGETS.medianDetectionDelaySeconds} s`,
      met: medianStatusPolls <= TARGETS.medianStatusPolls && medianDetectionDelaySeconds <= TARGETS.medianDetectionDelaySeconds,
      detail: `${medianStatusPolls} polls, ${medianDetectionDelaySeconds} s`,
    });
  }
  if (document.fanout) {
    const { seconds, theoreticalSeconds, responses429, devices } = document.fanout;
    checks.push({
      target: `fan-out within ${TARGETS.fanoutRatio} x the minimum, ${TARGETS.responses429} responses 429`,
      met: seconds <= TARGETS.fanoutRatio * theoreticalSeconds && responses429 === TARGETS.responses429,
      detail: `${devices} devices: ${seconds} s vs ${theoreticalSeconds} s minimum, ${responses429} x 429`,
    });
  }
  if (document.firstLook) {
    const { firstVerdictSeconds, devices, devicesWithVerdict, allVerdictsSeconds, floorSeconds, responses429 } = document.firstLook;
    checks.push({
      target: `first verdict <= ${TARGETS.firstVerdictSeconds} s; every device a verdict within ${TARGETS.firstLookFloorRatio} x the rate-limit floor; ${TARGETS.responses429} responses 429`,
      met:
        firstVerdictSeconds <= TARGETS.firstVerdictSeconds &&
        devicesWithVerdict === devices &&
        allVerdictsSeconds <= TARGETS.firstLookFloorRatio * floorSeconds &&
        responses429 === TARGETS.responses429,
      detail: `first ${firstVerdictSeconds} s; ${devicesWithVerdict}/${devices} devices in ${allVerdictsSeconds} s vs ${floorSeconds} s floor; ${responses429} x 429`,
    });
  }
  if (document.memory) {
    const limit = TARGETS.memoryShare * TARGETS.memoryMb;
    const over = document.memory.filter((entry) => entry.peakRssMb > limit);
    const peak = Math.max(...document.memory.map((entry) => entry.peakRssMb));
    checks.push({
      target: `peak RSS <= ${limit} MB (${TARGETS.memoryShare * 100}% of ${TARGETS.memoryMb} MB) for every Lambda`,
      met: over.length === 0,
      detail: over.length === 0 ? `highest ${peak} MB` : `above: ${over.map((entry) => `${entry.name} ${entry.peakRssMb} MB`).join(', ')}`,
    });
  }
  if (document.storm) {
    const { responses429, maxShareUsed, share } = document.storm;
    checks.push({
      target: `storm: ${TARGETS.responses429} responses 429, no window above the configured share`,
      met: responses429 === TARGETS.responses429 && maxShareUsed <= share,
      detail: `${responses429} x 429; busiest window used ${maxShareUsed} of the tenant limit (share ${share})`,
    });
  }
  return checks;
}
