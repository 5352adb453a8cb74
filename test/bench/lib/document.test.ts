import { BenchDocumentSchema, checkTargets, type BenchDocument } from '../../../bench/lib/document.js';

function fullDocument(): BenchDocument {
  return {
    bundles: [
      { name: 'fast', bytes: 400_000, initMs: 120, baselineInitMs: 100 },
      { name: 'slow', bytes: 1_800_000, initMs: 260, baselineInitMs: 100 },
    ],
    tokenEconomy: { callers: 600, containers: 10, tokenRequests: 1, credentials: 3, tokenRequestsByCredential: { zdx: 1, 'zcspm:license': 1, 'zcspm:account': 1 } },
    polling: { medianStatusPolls: 3, medianDetectionDelaySeconds: 31, fixed10sStatusPolls: 84, fixed60sStatusPolls: 14, transitionsPerScan: 16 },
    fanout: { devices: 40, seconds: 130, theoreticalSeconds: 100, responses429: 0 },
    webhookLatencyMs: { p50: 2, p99: 9 },
    memory: [
      { name: 'small', peakRssMb: 110 },
      { name: 'big', peakRssMb: 200 },
    ],
  };
}

describe('bench document', () => {
  describe('checkTargets', () => {
    it('reports each target with the figures that decide it', () => {
      const document = fullDocument();

      const checks = checkTargets(document);

      expect(checks.map((check) => [check.met, check.detail])).toEqual([
        [false, '1 of 2 above: slow'],
        [true, '600 calls, 10 containers, 3 credentials: at most 1 per credential'],
        [true, '3 polls, 31 s'],
        [false, '40 devices: 130 s vs 100 s minimum, 0 x 429'],
        [false, 'above: big 200 MB'],
      ]);
    });

    it('checks only the sections a partial run measured', () => {
      const document: BenchDocument = { polling: fullDocument().polling };

      const checks = checkTargets(document);

      expect(checks.map((check) => check.target)).toEqual(['median status polls <= 4, median detection delay <= 60 s']);
    });
  });

  describe('BenchDocumentSchema', () => {
    it('drops keys outside the documented shape', () => {
      const document = { ...fullDocument(), fanout: { devices: 40, seconds: 101, theoreticalSeconds: 100, responses429: 0, note: 'extra' } };

      const parsed = BenchDocumentSchema.parse(document);

      expect(parsed.fanout).toEqual({ devices: 40, seconds: 101, theoreticalSeconds: 100, responses429: 0 });
    });

    it('names the field when a figure is missing', () => {
      const document = { webhookLatencyMs: { p50: 2 } };

      const parsed = BenchDocumentSchema.safeParse(document);

      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['webhookLatencyMs.p99']);
    });
  });
});
