import { byElimination, type EliminationInput } from '../../../../../lambdas/diagnostics/domain/rules/elimination.js';

const slowOverCleanPath: EliminationInput = { present: true, clean: true, healthy: true, applicationUnexplained: true, pathLatencyMs: 33, pageFetchMs: 4200 };

describe('elimination rule', () => {
  it('points at the application when the symptom showed over a clean path from a healthy device (ELIMINATION_WEIGHT)', () => {
    expect(byElimination(slowOverCleanPath)).toEqual({
      rule: 'elimination.application',
      facts: { pathLatencyMs: 33, pageFetchMs: 4200 },
      blame: { suspect: 'application', weight: 2 },
    });
  });

  it.each([
    ['present', false],
    ['present', undefined],
    ['clean', false],
    ['clean', undefined],
    ['healthy', false],
    ['healthy', undefined],
    ['applicationUnexplained', false],
  ])('eliminates nothing when %s is %s', (key, value) => {
    expect(byElimination({ ...slowOverCleanPath, [key]: value })).toBeUndefined();
  });

  it('says 0 ms for what was not measured (the symptom can come from availability alone)', () => {
    expect(byElimination({ ...slowOverCleanPath, pageFetchMs: undefined, pathLatencyMs: undefined })?.facts).toEqual({ pathLatencyMs: 0, pageFetchMs: 0 });
  });
});
