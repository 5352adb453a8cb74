import { renderEvent } from '../../../lambdas/notify/render/event-render.js';
import { renderPlainText, summaryLine } from '../../../lambdas/notify/render/plain-render.js';
import { renderSlack } from '../../../lambdas/notify/render/slack-render.js';
import { renderSns } from '../../../lambdas/notify/render/sns-render.js';
import type { FirstLook } from '../../../lambdas/notify/results.js';
import { deviceResult, diagnosticsReport } from '../../fixtures/reports/factories.js';

const look: FirstLook = {
  verdict: 'network',
  headline: 'Network: Wi-Fi signal averaged -82 dBm (weakest -86 dBm; below -70 dBm is weak).',
  evidence: ['Wi-Fi signal averaged -82 dBm (weakest -86 dBm; below -70 dBm is weak).'],
  metrics: {},
  secondsAfterWebhook: 2.6,
  windowMinutes: 40,
  missing: [],
};
const firstLook = diagnosticsReport({
  phase: 'first-look',
  pending: 'Deep traces on 1 device (5-minute sessions) will add live hop-by-hop Cloud Path.',
  devices: [deviceResult(0, { status: 'first_look', traceId: null, diagnosis: null, firstLook: look }), deviceResult(1, { status: 'capped', traceId: null, diagnosis: null, firstLook: look })],
});
const final = diagnosticsReport({
  phase: 'final',
  devices: [deviceResult(0, { firstLook: look, confirmation: { outcome: 'revised', text: 'first look: Network; deep trace: revised to Device, CPU averaged 96%' } })],
});

describe('rendering a first look and its confirmation', () => {
  it('marks the first look in every channel, and says what the deep traces will add', () => {
    expect(renderEvent(firstLook).DetailType).toBe('DiagnosticsFirstLook');
    expect(renderEvent(final).DetailType).toBe('DiagnosticsCompleted');
    expect(renderSns(firstLook).Subject).toMatch(/^\[zsa\] ZDX High alert, first look: .* - the network, 2 looked at$/);
    expect(renderSns(final).Subject).toMatch(/^\[zsa\] ZDX High alert: /);
    expect(summaryLine(firstLook)).toMatch(/^First look: ZDX alert /);
    const text = renderPlainText(firstLook);
    expect(text).toContain("FIRST LOOK from ZDX's history (the deep traces are still running).");
    expect(text).toContain('Deep traces on 1 device (5-minute sessions) will add live hop-by-hop Cloud Path.');
    expect(text).toContain('first look: the network. Network: Wi-Fi signal averaged -82 dBm');
    expect(text).toContain('not traced (over the tenant trace cap); first look: the network.');
    const slack = JSON.stringify(renderSlack(firstLook));
    expect(slack).toContain('First look · ZDX alert');
    expect(slack).toContain('— first look: the network');
  });

  it("shows each device's confirmation in the diagnosis", () => {
    expect(renderPlainText(final)).toContain('(first look: Network; deep trace: revised to Device, CPU averaged 96%)');
    expect(JSON.stringify(renderSlack(final))).toContain('_first look: Network; deep trace: revised to Device, CPU averaged 96%_');
  });
});
