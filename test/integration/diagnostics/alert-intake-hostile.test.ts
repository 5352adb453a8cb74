import { TableStore } from '../../../lambdas/core/store/table-store.js';
import { handleAlertWebhook, MAX_BODY_DEPTH, type WebhookRequest } from '../../../lambdas/diagnostics/steps/alert-intake.js';
import { AlertLedger } from '../../../lambdas/diagnostics/adapters/alert-ledger.js';
import { FakeStarter } from '../../helpers/diagnostics/fakes.js';
import { useTestTable } from '../../helpers/dynamodb.js';

const token = 'zdx-webhook-token-0123456789';

function post(body: string): WebhookRequest {
  return { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body, isBase64Encoded: false };
}

function bodyOf(result: { response: { body: string } }): Record<string, unknown> {
  return JSON.parse(result.response.body) as Record<string, unknown>;
}

/**
 * The webhook as a careless or hostile sender holding the right token sees it: every body that
 * cannot be accepted is a 4xx (never a 5xx, which would make ZDX redeliver it and fire the 5xx
 * alarm), starts nothing and leaves no claim behind. The ledger is the real one on DynamoDB Local.
 */
describe('AlertIntake against careless and hostile senders', () => {
  const table = useTestTable('hostile');
  let store: TableStore;

  beforeAll(async () => {
    store = new TableStore(table);
  });

  function setup() {
    const executions = new FakeStarter();
    const ledger = new AlertLedger({ store });
    const deps = { credential: async () => ({ bearerToken: token }), ledger, executions, settings: { minSeverity: 'Low' as const, webhookMaxBodyBytes: 65_536 } };
    return { executions, ledger, deps };
  }

  async function ledgerItems(alertId: string): Promise<unknown[]> {
    return store.query(`alert#${alertId}`, { consistent: true });
  }

  it('answers 400 to a 10 KB alert whose unknown field nests 5,000 levels deep, and starts nothing', async () => {
    const { deps, executions } = setup();
    const body = `{"alertId":8100001,"status":"STARTED","severity":"High","x":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    expect(body.length).toBeGreaterThan(10_000);

    const result = await handleAlertWebhook(post(body), deps);

    expect(result.response.statusCode).toBe(400);
    expect(bodyOf(result)).toEqual({ error: 'BadRequest', message: `body nests objects or arrays more than ${MAX_BODY_DEPTH} levels deep; a ZDX alert is at most a few levels deep` });
    expect(executions.started).toHaveLength(0);
    expect(await ledgerItems('8100001')).toEqual([]);
  });

  it('accepts an alert whose unknown field is deep but within the body limit, keeping a bounded, serializable input', async () => {
    const { deps, executions } = setup();
    const body = `{"alertId":8100002,"status":"STARTED","severity":"High","x":${'['.repeat(20)}${']'.repeat(20)},"y":"${'z'.repeat(4_000)}","note":"kept"}`;

    const result = await handleAlertWebhook(post(body), deps);

    expect(result.response.statusCode).toBe(202);
    expect(bodyOf(result).warnings).toEqual(['x: not kept, nested deeper than 8 levels', 'y: not kept, 4002 characters of JSON (at most 2048 each, 8192 in all)']);
    expect(executions.started[0]?.input.alert.extra).toEqual({ note: 'kept' });
  });

  it.each([
    ['"abc/../x"', 'must be a ZDX alert id: a whole number such as 7263519 (got "abc/../x")'],
    ['-1', 'must be a ZDX alert id: a whole number such as 7263519 (got -1)'],
    ['1.5', 'must be a ZDX alert id: a whole number such as 7263519 (got 1.5)'],
    ['"7263519 OR 1=1"', 'must be a ZDX alert id: a whole number such as 7263519 (got "7263519 OR 1=1")'],
    ['{"$gt":0}', 'must be a ZDX alert id: a whole number such as 7263519 (got an object)'],
  ])('answers 400 to the alert id %s, naming what an alert id is, and starts nothing', async (id, message) => {
    const { deps, executions } = setup();

    const result = await handleAlertWebhook(post(`{"alertId":${id},"status":"STARTED","severity":"High"}`), deps);

    expect(result.response.statusCode).toBe(400);
    expect(bodyOf(result)).toEqual({ error: 'BadRequest', message: `body is not a usable ZDX alert: alertId: ${message}` });
    expect(executions.started).toHaveLength(0);
  });

  it('answers 400 to an unknown severity under any minimum, and starts nothing', async () => {
    const { deps, executions } = setup();

    const low = await handleAlertWebhook(post('{"alertId":8100003,"status":"STARTED","severity":"Urgent"}'), deps);
    const high = await handleAlertWebhook(post('{"alertId":8100003,"status":"STARTED","severity":"Urgent"}'), { ...deps, settings: { ...deps.settings, minSeverity: 'High' } });

    for (const result of [low, high]) {
      expect(result.response.statusCode).toBe(400);
      expect(bodyOf(result).message).toBe('body is not a usable ZDX alert: severity: must be High, Medium or Low (got "Urgent")');
    }
    expect(executions.started).toHaveLength(0);
    expect(await ledgerItems('8100003')).toEqual([]);
  });

  it('starts nothing for a STARTED delivered after its ENDED, now or on any redelivery', async () => {
    const { deps, executions } = setup();

    const ended = await handleAlertWebhook(post('{"alertId":8100004,"status":"ENDED","severity":"High"}'), deps);
    const started = await handleAlertWebhook(post('{"alertId":8100004,"status":"STARTED","severity":"High"}'), deps);
    const again = await handleAlertWebhook(post('{"alertId":"8100004","status":"started","severity":"High"}'), deps);

    expect(ended.response.statusCode).toBe(200);
    expect(ended.outcome).toBe('recorded');
    for (const result of [started, again]) {
      expect(result.response.statusCode).toBe(200);
      expect(result.outcome).toBe('ended');
      expect(bodyOf(result).message).toBe('alert 8100004 has already ended; nothing started');
    }
    expect(executions.started).toHaveLength(0);
  });

  it('remembers an end that arrives while the start is failing, so the redelivered STARTED starts nothing', async () => {
    const { deps, executions } = setup();
    executions.start = async () => {
      await handleAlertWebhook(post('{"alertId":8100005,"status":"ENDED_ON_RULE_DEL"}'), deps);
      throw new Error('ServiceUnavailable');
    };

    const failed = await handleAlertWebhook(post('{"alertId":8100005,"status":"STARTED"}'), deps);
    executions.start = FakeStarter.prototype.start.bind(executions);
    const redelivered = await handleAlertWebhook(post('{"alertId":8100005,"status":"STARTED"}'), deps);

    expect(failed.response.statusCode).toBe(503);
    expect(redelivered.outcome).toBe('ended');
    expect(executions.started).toHaveLength(0);
  });

  it('still starts an alert whose ENDED comes after its STARTED, and keeps it started', async () => {
    const { deps, executions } = setup();

    const started = await handleAlertWebhook(post('{"alertId":8100006,"status":"STARTED","severity":"Low"}'), deps);
    const ended = await handleAlertWebhook(post('{"alertId":8100006,"status":"ENDED"}'), deps);
    const redelivered = await handleAlertWebhook(post('{"alertId":8100006,"status":"STARTED","severity":"Low"}'), deps);

    expect(started.response.statusCode).toBe(202);
    expect(ended.outcome).toBe('recorded');
    expect(redelivered.outcome).toBe('duplicate');
    expect(executions.started).toHaveLength(1);
  });
});
