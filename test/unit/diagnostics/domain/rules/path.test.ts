import { hopRole, path } from '../../../../../lambdas/diagnostics/domain/rules/path.js';
import type { TraceEvidence } from '../../../../../lambdas/diagnostics/domain/workflow-state.js';
import { blames, evidence } from './support.js';

type Leg = TraceEvidence['legs'][number];
type Hop = NonNullable<TraceEvidence['worstHop']>;

const local = (latencyMs: number, lossPercent = 0): Leg => ({ name: 'Client → Egress', kind: 'local', latencyMs, lossPercent });
const hop = (overrides: Partial<Hop>): Hop => ({ leg: 'Client → Egress', legKind: 'local', index: 1, ip: '192.168.1.1', addedLatencyMs: 0, lossPercent: 0, isLast: false, ...overrides });

describe('path rules', () => {
  it('says nothing, and neither clean nor not, without a Cloud Path (even with a worst hop)', () => {
    expect(path(evidence({ worstHop: hop({ addedLatencyMs: 300 }) }))).toEqual({ findings: [], metrics: {}, clean: undefined });
  });

  it('lists the legs and records the path latency (rounded) and the worst leg loss', () => {
    const legs: Leg[] = [local(4.4, 0.5), { name: 'Egress → ZEN', kind: 'to_zscaler' }];
    const result = path(evidence({ legs }));

    expect(result.findings).toEqual([{ rule: 'path.legs', facts: { legs } }]);
    expect(result.metrics).toEqual({ pathLatencyMs: 4, maxLegLossPercent: 0.5 });
    expect(result.clean).toBe(true);
  });

  it.each([
    [0.99, [], true],
    [1, [['path.leg-loss', 'network', 1 + 1 / 3]], false],
    [3, [['path.leg-loss', 'network', 2]], false],
    [6, [['path.leg-loss', 'network', 3]], false],
    [9, [['path.leg-loss', 'network', 3]], false],
  ])('%d%% loss on a local leg: %j, clean %s (COUNTED_LOSS_PERCENT, LEG_LOSS_* weights)', (loss, expected, clean) => {
    const result = path(evidence({ legs: [local(10, loss)] }));

    expect(blames(result)).toEqual(expected);
    expect(result.clean).toBe(clean);
  });

  it('blames loss on a Zscaler leg on Zscaler, on every other leg on the network', () => {
    const legs: Leg[] = [
      { name: 'ZIA', kind: 'zscaler', latencyMs: 5, lossPercent: 2 },
      { name: 'ZEN → app', kind: 'to_app', latencyMs: 5, lossPercent: 2 },
      { name: 'ISP', kind: 'isp', latencyMs: 5, lossPercent: 2 },
    ];

    expect(blames(path(evidence({ legs }))).map(([, suspect]) => suspect)).toEqual(['zscaler', 'network', 'network']);
  });

  it.each([
    [[local(90), { name: 'Egress → ZEN', kind: 'to_zscaler', latencyMs: 60 }], [['path.leg-latency', 'network', 1.5]], false],
    [[local(89.9), { name: 'Egress → ZEN', kind: 'to_zscaler', latencyMs: 60 }], [], true],
    [[local(89), { name: 'Egress → ZEN', kind: 'to_zscaler', latencyMs: 61 }], [], false],
    [[{ name: 'ZIA', kind: 'zscaler', latencyMs: 120 }, local(30)], [['path.leg-latency', 'zscaler', 1.5]], false],
    [[{ name: 'ZEN → app', kind: 'to_app', latencyMs: 120 }, local(30)], [], false],
    [[{ name: 'Direct', kind: 'direct', latencyMs: 120 }, local(30)], [], false],
  ] as Array<[Leg[], unknown[], boolean]>)('a leg carrying most of a slow path: %j blames %j, clean %s (SLOW_PATH_MS, HEAVY_LEG_SHARE)', (legs, expected, clean) => {
    const result = path(evidence({ legs }));

    expect(blames(result)).toEqual(expected);
    expect(result.clean).toBe(clean);
  });

  it('says which share of the path the heaviest leg carries', () => {
    expect(path(evidence({ legs: [local(120), local(30)] })).findings[1]).toEqual({
      rule: 'path.leg-latency',
      facts: { leg: 'Client → Egress', legMs: 120, pathMs: 150 },
      blame: { suspect: 'network', weight: 1.5 },
    });
  });

  it.each([
    [29.9, 1.9, [], true],
    [30, 0, [['path.worst-hop', 'network', 1.3]], true],
    [49.9, 1.9, [['path.worst-hop', 'network', 1 + 49.9 / 100 + 1.9 / 5]], true],
    [50, 0, [['path.worst-hop', 'network', 1.5]], false],
    [0, 2, [['path.worst-hop', 'network', 1.4]], false],
    [500, 0, [['path.worst-hop', 'network', 4]], false],
  ])('a worst hop adding %d ms with %d%% loss: %j, clean %s (NOTABLE_HOP_*, CLEAN_PATH_HOP_ADDED_MS, HOP_* weights)', (added, loss, expected, clean) => {
    const result = path(evidence({ legs: [local(10)], worstHop: hop({ addedLatencyMs: added, lossPercent: loss }) }));

    expect(blames(result)).toEqual(expected);
    expect(result.clean).toBe(clean);
    if (expected.length > 0) expect(result.metrics).toMatchObject({ worstHopAddedMs: added, worstHopLossPercent: loss });
    else expect(result.metrics).not.toHaveProperty('worstHopAddedMs');
  });

  it('blames the worst hop on whoever runs the place it sits, and names the place', () => {
    const result = path(evidence({ legs: [local(10)], worstHop: hop({ legKind: 'to_zscaler', index: 3, isLast: true, addedLatencyMs: 209 }) }));

    expect(result.findings[1]).toMatchObject({ rule: 'path.worst-hop', facts: { where: 'the Zscaler service edge itself' }, blame: { suspect: 'zscaler' } });
  });

  it.each([
    [{ legKind: 'local', index: 1 }, 'network', 'the local gateway (Wi-Fi or home/office router)'],
    [{ legKind: 'local', index: 2 }, 'network', 'the local network before the internet egress'],
    [{ legKind: 'isp' }, 'network', "the internet provider's network"],
    [{ legKind: 'to_zscaler', isLast: false }, 'network', "the internet provider's path to Zscaler"],
    [{ legKind: 'to_zscaler', isLast: true }, 'zscaler', 'the Zscaler service edge itself'],
    [{ legKind: 'zscaler' }, 'zscaler', "Zscaler's cloud"],
    [{ legKind: 'to_app', index: 1 }, 'zscaler', 'the egress of the Zscaler service edge'],
    [{ legKind: 'to_app', index: 2 }, 'network', 'the internet path from Zscaler to the application'],
    [{ legKind: 'to_app', index: 2, isLast: true }, 'application', "the application's server"],
    [{ legKind: 'direct' }, 'network', 'the internet path to the application'],
    [{ legKind: 'direct', isLast: true }, 'application', "the application's server"],
  ] as Array<[Partial<Hop>, string, string]>)('hopRole %j: %s, %s', (where, suspect, words) => {
    expect(hopRole(hop(where))).toEqual({ suspect, where: words });
  });
});
