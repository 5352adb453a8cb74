import * as z from 'zod';
import { camelizeKeys, canonicalizeKeys, schemaKeys } from '../../../lambdas/zscaler/keys.js';

describe('keys', () => {
  describe('camelizeKeys', () => {
    it('camelCases object keys at every depth and leaves values alone', () => {
      const result = camelizeKeys({ trace_id: '1', trace_details: { web_probe_id: 2 }, list: [{ leg_src: 'a_b' }] });

      expect(result).toEqual({ traceId: '1', traceDetails: { webProbeId: 2 }, list: [{ legSrc: 'a_b' }] });
    });
  });

  describe('schemaKeys', () => {
    it('collects the keys of nested objects through arrays, unions and wrappers', () => {
      const schema = z.object({
        result: z.object({ benchmarkId: z.string(), items: z.array(z.object({ resourceId: z.string() })).nullish() }).nullable(),
        other: z.union([z.object({ aWSAccountId: z.string() }), z.string()]).optional(),
      });

      const keys = schemaKeys(schema);

      expect([...keys.values()].sort()).toEqual(['aWSAccountId', 'benchmarkId', 'items', 'other', 'resourceId', 'result']);
      expect(keys.get('awsaccountid')).toBe('aWSAccountId');
    });

    it('walks into lazy schemas (schemas are built on first use, see lambdas/zscaler/zcspm/schemas.ts)', () => {
      const item = z.lazy(() => z.object({ resourceId: z.string(), tags: z.record(z.string(), z.unknown()).nullish() }));
      const schema = z.lazy(() => z.object({ benchmarkId: z.string(), items: z.array(item) }));

      const keys = schemaKeys(schema);

      expect([...keys.values()].sort()).toEqual(['benchmarkId', 'items', 'resourceId', 'tags']);
    });
  });

  describe('canonicalizeKeys', () => {
    const canonical = new Map([
      ['posture', 'posture'],
      ['benchmarkid', 'benchmarkId'],
      ['green', 'green'],
      ['tags', 'tags'],
    ]);

    it('renames keys that match case-insensitively, PascalCase and odd casing alike', () => {
      const result = canonicalizeKeys({ Posture: { Green: 3 }, benchMarkId: 'CSBP', Unknown: 1 }, canonical);

      expect(result).toEqual({ posture: { green: 3 }, benchmarkId: 'CSBP', Unknown: 1 });
    });

    it('prefers the canonically spelled key when two keys differ only in case', () => {
      const result = canonicalizeKeys({ BenchmarkId: 'old', benchmarkId: 'new' }, canonical);

      expect(result).toEqual({ benchmarkId: 'new' });
    });

    it('keeps opaque values (resource tags) exactly as sent', () => {
      const result = canonicalizeKeys([{ Tags: { Green: 'x', green: 'y' } }], canonical, new Set(['tags']));

      expect(result).toEqual([{ tags: { Green: 'x', green: 'y' } }]);
    });
  });
});
