/**
 * ScanRequest (EventBridge target): one CloudFormation event -> record the deployment in its scan
 * window, start the window's PostDeployScan execution when this deployment opened it.
 */
import { asLog, createLogger } from '../../core/observability/logger.js';
import { addMetric, pipelineMetrics } from '../../core/observability/metrics.js';
import { withMiddleware } from '../../core/observability/middleware.js';
import type { ResultDelivery } from '../ports.js';
import { requestScan, type ScanRequestResult } from '../steps/request-scan.js';
import { StepFunctionsExecutionStarter } from '../../core/aws/step-functions-starter.js';
import { dynamo, once, secrets, tableName } from '../../core/wiring.js';
import { accountMappings, scanSettings, windowStore } from '../wiring.js';

const logger = createLogger({ persistentKeys: { pipeline: 'scan', step: 'ScanRequest' } });
const log = asLog(logger);
const executions = once(() => new StepFunctionsExecutionStarter('SCAN_STATE_MACHINE_ARN'));

// Only an unmapped account needs the notification channels (and their Slack, SNS, EventBridge clients).
let router: (() => Promise<ResultDelivery>) | undefined;
const notifications = async (): Promise<ResultDelivery> => {
  router ??= (await import('../../notify/wiring.js')).notificationRouter({ dynamo, tableName, secrets, log });
  return router();
};

export const handler = withMiddleware<unknown, ScanRequestResult>(
  async (event) => {
    const result = await requestScan(event, {
      settings: scanSettings(),
      mappings: accountMappings(),
      windows: windowStore(),
      executions: executions(),
      notifications,
      log,
    });
    if ('executionStarted' in result && result.executionStarted) addMetric(pipelineMetrics(), 'ScansStarted', 1);
    return result;
  },
  { logger, metrics: pipelineMetrics() },
);
