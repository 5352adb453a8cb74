/**
 * AlertIntake: the ZDX webhook endpoint (HTTP API, payload format 2.0; a Function URL event has the
 * same shape). Answers 202 as soon as the execution is started; the work runs in Step Functions.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { asLog, createLogger } from '../../core/observability/logger.js';
import { withMiddleware } from '../../core/observability/middleware.js';
import { handleAlertWebhook, type WebhookRequest } from '../steps/alert-intake.js';
import { alertLedger, executionStarter, settings, webhookCredential } from '../wiring.js';

const logger = createLogger({ persistentKeys: { pipeline: 'diagnostics' } });
const log = asLog(logger);

const HttpEventSchema = z.lazy(() => z.object({
  requestContext: z.object({ http: z.object({ method: z.string() }), requestId: z.string().optional() }),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().optional(),
}));

export const handler = withMiddleware(
  async (event: unknown): Promise<APIGatewayProxyStructuredResultV2> => {
    const parsed = HttpEventSchema.safeParse(event);
    if (!parsed.success) {
      return { statusCode: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'BadRequest', message: 'not an HTTP request event' }) };
    }
    const request: WebhookRequest = {
      method: parsed.data.requestContext.http.method,
      headers: parsed.data.headers ?? {},
      body: parsed.data.body,
      isBase64Encoded: parsed.data.isBase64Encoded ?? false,
    };
    const result = await handleAlertWebhook(request, { credential: webhookCredential, ledger: alertLedger(), executions: executionStarter(), settings: settings(), log });
    log.info('webhook answered', { status: result.response.statusCode, outcome: result.outcome, alertId: result.alertId });
    return result.response;
  },
  {
    logger,
    correlationIds: (event) => {
      const requestId = (event as { requestContext?: { requestId?: unknown } } | null)?.requestContext?.requestId;
      return typeof requestId === 'string' ? { eventId: requestId } : {};
    },
  },
);
