/**
 * Assertions every rendered message must pass, shared by the golden and the property tests:
 * Slack's block limits, SNS and EventBridge sizes, and no live mention or foreign link syntax.
 */
import { EVENT_LIMITS, eventEntrySize, type ResultEventEntry } from '../../../lambdas/notify/render/event-render.js';
import { SLACK_LIMITS, slackBlocksSize, type SlackMessage, type SlackTextObject } from '../../../lambdas/notify/render/slack-render.js';
import { SNS_LIMITS, snsMessageSize, type SnsMessage } from '../../../lambdas/notify/render/sns-render.js';
import { PipelineResultSchema } from '../../../lambdas/notify/results.js';

// What our renderers may emit in mrkdwn: links to http(s) URLs, Slack date tokens, and `> ` quotes.
const ALLOWED_ANGLE = /<https?:\/\/[^\s<>|]+\|[^<>]*>|<!date\^\d+\^\{date_short_pretty\} \{time\}\|[^<>]*>/g;

/** Throws when a mrkdwn text holds a `<...>` sequence we did not produce or a bare `&`. */
export function expectInertMrkdwn(text: string): void {
  const rest = text.replace(/^> /gm, '').replace(ALLOWED_ANGLE, '');
  expect(rest).not.toMatch(/[<>]/);
  expect(rest).not.toMatch(/&(?!(amp|lt|gt);)/);
  expect(rest).not.toMatch(/@(channel|here|everyone)\b/i);
}

export function expectSlackWithinLimits(message: SlackMessage): void {
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.maxFallbackText);
  expectInertMrkdwn(message.text);
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.maxBlocks);
  expect(slackBlocksSize(message.blocks)).toBeLessThanOrEqual(SLACK_LIMITS.maxBlocksJsonChars);
  const texts: SlackTextObject[] = [];
  for (const block of message.blocks) {
    if (block.type === 'header') {
      expect(block.text.type).toBe('plain_text');
      expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.maxHeaderText);
      expect(block.text.text).not.toMatch(/[<>]/);
    } else if (block.type === 'section') {
      if (block.text) {
        expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.maxSectionText);
        texts.push(block.text);
      }
      expect((block.fields ?? []).length).toBeLessThanOrEqual(SLACK_LIMITS.maxFields);
      for (const field of block.fields ?? []) {
        expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.maxFieldText);
        texts.push(field);
      }
    } else if (block.type === 'context') {
      expect(block.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.maxContextElements);
      texts.push(...block.elements);
    }
  }
  for (const text of texts) {
    expect(text.text.length).toBeGreaterThan(0);
    expect(text.text.isWellFormed()).toBe(true);
    if (text.type === 'mrkdwn') expectInertMrkdwn(text.text);
  }
  expect(JSON.parse(JSON.stringify(message))).toEqual(message);
}

export function expectSnsWithinLimits(message: SnsMessage): void {
  expect(message.Subject.length).toBeGreaterThan(0);
  expect(message.Subject.length).toBeLessThanOrEqual(SNS_LIMITS.maxSubjectChars);
  expect(message.Subject).toMatch(/^[\x20-\x7E]+$/);
  expect(message.Subject).toMatch(/^[A-Za-z0-9[]/);
  expect(snsMessageSize(message)).toBeLessThanOrEqual(SNS_LIMITS.maxTotalBytes);
  expect(message.Message.isWellFormed()).toBe(true);
  for (const name of ['kind', 'severity', 'outcome', 'pipeline', 'detailType']) {
    expect(message.MessageAttributes[name]?.DataType).toBe('String');
  }
  for (const attribute of Object.values(message.MessageAttributes)) {
    expect(attribute.DataType).toBe('String');
    expect(attribute.StringValue.length).toBeGreaterThan(0);
    expect(attribute.StringValue.length).toBeLessThanOrEqual(SNS_LIMITS.maxAttributeValueChars);
  }
  const json = snsJson(message);
  if (json !== undefined) expect(PipelineResultSchema.safeParse(JSON.parse(json)).success).toBe(true);
}

/** The JSON part of an SNS message body, when it has one. */
export function snsJson(message: SnsMessage): string | undefined {
  const marker = '----- Full result (JSON) -----\n';
  const at = message.Message.indexOf(marker);
  if (at < 0) return undefined;
  const rest = message.Message.slice(at + marker.length);
  return rest.startsWith('{') ? rest : rest.slice(rest.indexOf('\n') + 1);
}

export function expectEventWithinLimits(entry: ResultEventEntry): void {
  expect(entry.Source).toBe('zsa');
  expect(eventEntrySize(entry)).toBeLessThanOrEqual(EVENT_LIMITS.maxEntryBytes);
  const detail: unknown = JSON.parse(entry.Detail);
  expect(typeof detail).toBe('object');
  expect(detail).not.toBeNull();
}
