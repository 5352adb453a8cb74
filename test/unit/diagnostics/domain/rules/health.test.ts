import { health } from '../../../../../lambdas/diagnostics/domain/rules/health.js';
import type { TraceEvidence } from '../../../../../lambdas/diagnostics/domain/workflow-state.js';
import { blames, evidence, stats } from './support.js';

function check(values: TraceEvidence['health']) {
  return health(evidence({ health: values }));
}

describe('device health rules', () => {
  it('says nothing, and neither healthy nor not, without health metrics', () => {
    expect(check({})).toEqual({ findings: [], metrics: {}, healthy: undefined });
  });

  it.each([
    [84.9, 97.9, [], true],
    [85, 85, [['health.cpu', 'device', 2.5]], false],
    [94.9, 99, [['health.cpu', 'device', 2.5]], false],
    [95, 100, [['health.cpu', 'device', 3.5]], false],
    [70, 98, [['health.cpu', 'device', 2.5]], false],
    [69.9, 100, [], true],
    [70, 97.9, [], true],
  ])('CPU averaging %d%% (peak %d%%): %j, healthy %s (CPU_BUSY_PERCENT, CPU_PEAK_*, CPU_SATURATED_PERCENT)', (avg, peak, expected, healthy) => {
    const result = check({ cpuPercent: stats(avg, peak) });

    expect(blames(result)).toEqual(expected);
    expect(result.healthy).toBe(healthy);
    expect(result.metrics).toEqual({ cpuPercent: avg });
  });

  it.each([
    [89.9, [], true],
    [90, [['health.memory', 'device', 2]], false],
    [94.9, [['health.memory', 'device', 2]], false],
    [95, [['health.memory', 'device', 3]], false],
  ])('memory averaging %d%%: %j, healthy %s (MEMORY_HIGH_PERCENT, MEMORY_CRITICAL_PERCENT)', (avg, expected, healthy) => {
    const result = check({ memoryPercent: stats(avg) });

    expect(blames(result)).toEqual(expected);
    expect(result.healthy).toBe(healthy);
  });

  it.each([
    [94.9, [], undefined],
    [95, [['health.disk', 'device', 1]], false],
  ])('disk at %d%%: %j, healthy %s (DISK_FULL_PERCENT; a disk with room is not listed as normal)', (avg, expected, healthy) => {
    const result = check({ diskPercent: stats(avg) });

    expect(blames(result)).toEqual(expected);
    expect(result.healthy).toBe(healthy);
    expect(result.findings.filter((finding) => finding.rule === 'health.normal')).toEqual([]);
  });

  it('is unhealthy when any of CPU, memory and disk is, whichever is normal', () => {
    expect(check({ cpuPercent: stats(90), memoryPercent: stats(40) }).healthy).toBe(false);
    expect(check({ cpuPercent: stats(20), memoryPercent: stats(92) }).healthy).toBe(false);
    expect(check({ cpuPercent: stats(20), diskPercent: stats(99) }).healthy).toBe(false);
  });

  it.each([
    [-69.9, [], { wifiSignalDbm: -69.9 }],
    [-70, [['health.wifi-signal', 'network', 1.5]], undefined],
    [-74.9, [['health.wifi-signal', 'network', 1.5]], undefined],
    [-75, [['health.wifi-signal', 'network', 3]], undefined],
  ])('Wi-Fi at %d dBm: %j (WIFI_WEAK_DBM, WIFI_VERY_WEAK_DBM; Wi-Fi is not device health)', (dbm, expected, normal) => {
    const result = check({ wifiSignalDbm: stats(dbm, dbm, dbm - 2), wifiSignalPercent: stats(10) });

    expect(blames(result)).toEqual(expected);
    expect(result.healthy).toBeUndefined();
    expect(result.metrics).toEqual({ wifiSignalDbm: dbm });
    expect(result.findings.find((finding) => finding.rule === 'health.normal')?.facts).toEqual(normal);
  });

  it.each([
    [50.1, []],
    [50, [['health.wifi-quality', 'network', 1.5]]],
    [35.1, [['health.wifi-quality', 'network', 1.5]]],
    [35, [['health.wifi-quality', 'network', 2.5]]],
  ])('Wi-Fi quality at %d%% without a dBm reading: %j (WIFI_WEAK_QUALITY_PERCENT, WIFI_VERY_WEAK_QUALITY_PERCENT)', (quality, expected) => {
    const result = check({ wifiSignalPercent: stats(quality) });

    expect(blames(result)).toEqual(expected);
    expect(result.metrics).toEqual({ wifiSignalPercent: quality });
  });

  it('states the weak readings with their worst, and lists the normal ones last', () => {
    const result = check({ cpuPercent: stats(96, 100), memoryPercent: stats(40), wifiSignalPercent: stats(80, 90, 70) });

    expect(result.findings).toEqual([
      { rule: 'health.cpu', facts: { avgPercent: 96, peakPercent: 100 }, blame: { suspect: 'device', weight: 3.5 } },
      { rule: 'health.normal', facts: { memoryPercent: 40, wifiSignalPercent: 80 } },
    ]);
    expect(check({ wifiSignalDbm: stats(-80, -72, -84) }).findings).toEqual([
      { rule: 'health.wifi-signal', facts: { avgDbm: -80, weakestDbm: -84 }, blame: { suspect: 'network', weight: 3 } },
    ]);
  });
});
