import { DynamoDeliveryLedger } from '../../../lambdas/notify/delivery-ledger.js';
import { useTestTable } from '../../helpers/dynamodb.js';
import { diagnosticsReport, deviceResult } from '../../fixtures/reports/factories.js';
import { slackBotNotifier, useFakeSlack } from './fake-slack.js';

/** A first look and its diagnosis in Slack bot mode: one message, updated in place, never more than two. */
describe('SlackBotNotifier: first look, then the diagnosis', () => {
  const slack = useFakeSlack();
  const table = useTestTable('slack-first-look');

  it('posts the first look, updates that message with the diagnosis, and sends nothing more on retries', async () => {
    const notifier = slackBotNotifier(slack, new DynamoDeliveryLedger(table)).instance;
    const firstLook = { verdict: 'network' as const, headline: 'Network: weak Wi-Fi.', evidence: ['Wi-Fi signal averaged -82 dBm.'], metrics: {}, secondsAfterWebhook: 3.2, windowMinutes: 40, missing: [] };
    const early = diagnosticsReport({
      phase: 'first-look',
      pending: 'Deep traces on 1 device will add live hop-by-hop Cloud Path.',
      devices: [deviceResult(0, { status: 'first_look', traceId: null, diagnosis: null, firstLook })],
    });
    const final = diagnosticsReport({
      phase: 'final',
      devices: [deviceResult(0, { firstLook, confirmation: { outcome: 'confirmed', text: 'first look: Network; deep trace: confirmed, hop 1 adds 172 ms with 8% loss' } })],
    });

    await notifier.notify(early, { idempotencyKey: 'exec-1#first-look#diagnostics' });
    await notifier.notify(final, { idempotencyKey: 'exec-1#diagnostics' });
    // Step retries of both deliveries.
    await notifier.notify(early, { idempotencyKey: 'exec-1#first-look#diagnostics' });
    await notifier.notify(final, { idempotencyKey: 'exec-1#diagnostics' });

    const posts = slack.requests.filter((request) => request.path === '/api/chat.postMessage');
    const updates = slack.requests.filter((request) => request.path === '/api/chat.update');
    expect(posts).toHaveLength(2);
    expect(posts[0]!.body).toMatchObject({ text: expect.stringContaining('First look') });
    expect(posts[1]!.body).toMatchObject({ thread_ts: expect.any(String) });
    expect(updates).toHaveLength(1);
    const root = [...slack.messages.values()].find((message) => message.threadTs === undefined)!;
    expect(root.updates).toBe(1);
    expect(root.text).not.toContain('First look');
    expect(JSON.stringify(root.blocks)).toContain('first look: Network; deep trace: confirmed, hop 1 adds 172 ms with 8% loss');
  });
});
