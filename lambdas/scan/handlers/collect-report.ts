/**
 * CollectReport (PostDeployScan task): posture per benchmark, failed assets, the delta against the
 * previous scan and the deployment's own failures, as one ScanReport; the scan joins the history.
 */
import * as z from 'zod';
import { readEnv } from '../../core/config.js';
import { asLog, createLogger } from '../../core/observability/logger.js';
import { addMetric, pipelineMetrics } from '../../core/observability/metrics.js';
import { withMiddleware } from '../../core/observability/middleware.js';
import type { ScanReport } from '../../notify/results.js';
import { collectReport } from '../steps/collect-report.js';
import { CloudFormationStackResourcesReader } from '../adapters/stack-resources.js';
import { ScanStepInputSchema } from '../domain/workflow-state.js';
import { callOptions, once, parseStepInput } from '../../core/wiring.js';
import { historyStore, scanCorrelationIds, scanSettings, windowStore } from '../wiring.js';
import { zcspmClient } from '../zcspm-wiring.js';

const logger = createLogger({ persistentKeys: { pipeline: 'scan', step: 'CollectReport' } });
const log = asLog(logger);
const stacks = once(
  () =>
    new CloudFormationStackResourcesReader({
      homeAccountId: readEnv(z.object({ HOME_ACCOUNT_ID: z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id').optional() })).HOME_ACCOUNT_ID,
      log,
    }),
);

export const handler = withMiddleware<unknown, ScanReport>(
  async (event, context) => {
    const input = parseStepInput(ScanStepInputSchema, event, 'CollectReport');
    const { detectedAfterSeconds, lastRunningAfterSeconds } = input.scan;
    // How late the finished scan was noticed, at most: between the last check that saw it running and the first that saw it done.
    if (detectedAfterSeconds !== null && lastRunningAfterSeconds !== null) {
      addMetric(pipelineMetrics(), 'DetectionDelaySeconds', Math.max(0, detectedAfterSeconds - lastRunningAfterSeconds));
    }
    return collectReport(input.window, input.scan, {
      windows: windowStore(),
      history: historyStore(),
      zcspm: await zcspmClient(),
      stacks: stacks(),
      settings: scanSettings(),
      log,
      call: callOptions(context),
      executionId: input.executionId,
    });
  },
  { logger, metrics: pipelineMetrics(), correlationIds: scanCorrelationIds },
);
