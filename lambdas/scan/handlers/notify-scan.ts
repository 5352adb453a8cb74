/**
 * NotifyScan (PostDeployScan tasks NotifyResult and NotifyFailure): deliver the scan report or the
 * failure to the configured channels, then finish the window (or move it on to a follow-up scan).
 */
import { asLog, createLogger } from '../../core/observability/logger.js';
import { pipelineMetrics } from '../../core/observability/metrics.js';
import { recordScanOutcome } from '../../notify/result-metrics.js';
import { withMiddleware } from '../../core/observability/middleware.js';
import { NotifyInputSchema, notifyScan, type NotifyOutput } from '../steps/notify-scan.js';
import { notificationRouter } from '../../notify/wiring.js';
import { ScanHistoryFindings } from '../steps/scan-findings.js';
import { callOptions, dynamo, parseStepInput, secrets, tableName } from '../../core/wiring.js';
import { historyStore, scanCorrelationIds, scanSettings, windowStore } from '../wiring.js';

const logger = createLogger({ persistentKeys: { pipeline: 'scan', step: 'NotifyScan' } });
const log = asLog(logger);
const delivery = notificationRouter({ dynamo, tableName, secrets, log, scanFindings: () => new ScanHistoryFindings(historyStore()) });

export const handler = withMiddleware<unknown, NotifyOutput>(
  async (event, context) => {
    const input = parseStepInput(NotifyInputSchema, event, 'NotifyScan');
    const output = await notifyScan(input, { delivery, windows: windowStore(), settings: scanSettings(), log, call: callOptions(context) });
    recordScanOutcome(pipelineMetrics(), input.mode === 'result' ? input.state.report : { failureReason: output.outcome });
    return output;
  },
  { logger, metrics: pipelineMetrics(), correlationIds: scanCorrelationIds },
);
