import { ConfigError } from '../../../lambdas/core/errors.js';
import { parseNotificationSettings, routeAccepts, selectChannels } from '../../../lambdas/notify/settings.js';
import { diagnosticsReport, failureReport, scanReport, typicalScanReport } from '../../fixtures/reports/factories.js';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:zsa-notifications';

describe('parseNotificationSettings', () => {
  describe('parsing', () => {
    it('means "log only" when the variable is absent or empty', () => {
      const settings = parseNotificationSettings(undefined);

      expect(settings).toEqual({ log: { enabled: true, kinds: ['scan', 'diagnostics'], minSeverity: 'info', scan: {} } });
      expect(parseNotificationSettings('  ')).toEqual(settings);
    });

    it('fills route defaults for every channel', () => {
      const settings = parseNotificationSettings(JSON.stringify({ slack: {}, sns: { topicArn: TOPIC }, eventBridge: {} }));

      expect(settings.slack).toEqual({ enabled: true, mode: 'webhook', kinds: ['scan', 'diagnostics'], minSeverity: 'info', scan: {} });
      expect(settings.sns?.topicArn).toBe(TOPIC);
      expect(settings.eventBridge?.eventBusName).toBe('default');
    });

    it('names the variable and each wrong key', () => {
      const bad = JSON.stringify({ slack: { mode: 'irc', minSeverity: 'huge' }, sns: { topicArn: 'nope' }, slak: {} });

      const attempt = () => parseNotificationSettings(bad, 'ZSA_NOTIFICATIONS');

      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/^ZSA_NOTIFICATIONS is invalid: /);
      for (const part of ['slack.mode: Invalid option', 'slack.minSeverity: Invalid option', 'sns.topicArn: must be an SNS topic ARN', 'Unrecognized key: "slak"']) {
        expect(attempt).toThrow(part);
      }
    });

    it('says when the value is not JSON', () => {
      expect(() => parseNotificationSettings('{oops')).toThrow(/NOTIFICATION_SETTINGS is not valid JSON/);
    });
  });
});

describe('routeAccepts', () => {
  describe('scans', () => {
    const route = (scan: object) => parseNotificationSettings(JSON.stringify({ log: { scan } })).log;

    it('delivers every scan when no threshold is set', () => {
      expect(routeAccepts(route({}), scanReport({ delta: { ...scanReport().delta, newFailureCount: 0 } }))).toBe(true);
    });

    it('delivers when compliance is below the threshold or new failures reach the count', () => {
      const threshold = route({ whenCompliancePercentBelow: 90, whenNewFailuresAtLeast: 5 });
      const quiet = { ...scanReport().delta, newFailureCount: 0 };

      expect(routeAccepts(threshold, scanReport({ posture: { ...scanReport().posture, compliancePercent: 95 }, delta: quiet }))).toBe(false);
      expect(routeAccepts(threshold, scanReport({ posture: { ...scanReport().posture, compliancePercent: 89.9 }, delta: quiet }))).toBe(true);
      expect(routeAccepts(threshold, scanReport({ posture: { ...scanReport().posture, compliancePercent: 95 }, delta: { ...quiet, newFailureCount: 5 } }))).toBe(true);
    });
  });

  describe('diagnostics', () => {
    const route = parseNotificationSettings(JSON.stringify({ log: { minSeverity: 'high' } })).log;
    const withSeverity = (severity: string) => diagnosticsReport({ alert: { ...diagnosticsReport().alert, severity } });

    it('drops alerts below the minimum severity and keeps unrecognised ones', () => {
      expect(routeAccepts(route, withSeverity('Medium'))).toBe(false);
      expect(routeAccepts(route, withSeverity('High'))).toBe(true);
      expect(routeAccepts(route, withSeverity('Sev-1'))).toBe(true);
    });
  });

  describe('failures', () => {
    it('always delivers failures to an enabled channel, whatever its kinds and thresholds', () => {
      const route = parseNotificationSettings(JSON.stringify({ log: { kinds: ['scan'], minSeverity: 'critical', scan: { whenNewFailuresAtLeast: 100 } } })).log;

      expect(routeAccepts(route, failureReport())).toBe(true);
      expect(routeAccepts({ ...route, enabled: false }, failureReport())).toBe(false);
    });
  });
});

describe('selectChannels', () => {
  it('picks the channels whose kinds include the result', () => {
    const settings = parseNotificationSettings(
      JSON.stringify({ slack: { kinds: ['diagnostics'] }, sns: { topicArn: TOPIC, kinds: ['scan'] }, eventBridge: {}, log: { enabled: false } }),
    );

    expect(selectChannels(settings, typicalScanReport())).toEqual(['sns', 'eventBridge']);
    expect(selectChannels(settings, diagnosticsReport())).toEqual(['slack', 'eventBridge']);
    expect(selectChannels(settings, failureReport())).toEqual(['slack', 'sns', 'eventBridge']);
  });
});
