import * as elimination from '../../../../../lambdas/diagnostics/domain/rules/elimination.js';
import * as events from '../../../../../lambdas/diagnostics/domain/rules/events.js';
import * as health from '../../../../../lambdas/diagnostics/domain/rules/health.js';
import * as path from '../../../../../lambdas/diagnostics/domain/rules/path.js';
import * as processes from '../../../../../lambdas/diagnostics/domain/rules/processes.js';
import type { RuleMeta } from '../../../../../lambdas/diagnostics/domain/rules/rule.js';
import * as symptom from '../../../../../lambdas/diagnostics/domain/rules/symptom.js';
import * as webTimings from '../../../../../lambdas/diagnostics/domain/rules/web-timings.js';

const families = { symptom, web: webTimings, path, health, events, processes, elimination };
const rules = Object.entries(families).flatMap(([family, exports]) =>
  Object.values(exports as Record<string, unknown>)
    .filter((value): value is RuleMeta => typeof value === 'object' && value !== null && 'rationale' in value)
    .map((rule) => ({ family, rule })),
);

describe('rule catalog', () => {
  it('describes every rule, with an id unique across families and named after its family', () => {
    expect(rules.length).toBeGreaterThanOrEqual(20);
    expect(new Set(rules.map(({ rule }) => rule.id)).size).toBe(rules.length);
    for (const { family, rule } of rules) {
      expect(rule.id.startsWith(`${family}.`)).toBe(true);
      expect(rule.reads).not.toBe('');
      expect(rule.rationale).not.toBe('');
    }
  });
});
