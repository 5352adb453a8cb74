import { events } from '../../../../../lambdas/diagnostics/domain/rules/events.js';
import { blames, evidence } from './support.js';

const event = (category: string, text = `${category} change`) => ({ category, text });

describe('event rules', () => {
  it('says nothing without events', () => {
    expect(events(evidence())).toEqual({ findings: [], metrics: {} });
  });

  it.each([
    [1, 0.75],
    [2, 1.5],
    [3, 1.5],
  ])('%d network events weigh %d on the network (EVENT_WEIGHT up to EVENTS_MAX_WEIGHT)', (count, weight) => {
    expect(blames(events(evidence({ events: Array.from({ length: count }, () => event('Network')) })))).toEqual([['events.network', 'network', weight]]);
  });

  it.each([
    [1, 0.75],
    [2, 1.5],
    [3, 1.5],
  ])('%d Zscaler events weigh %d on Zscaler (EVENT_WEIGHT up to EVENTS_MAX_WEIGHT)', (count, weight) => {
    expect(blames(events(evidence({ events: Array.from({ length: count }, () => event('Zscaler')) })))).toEqual([['events.zscaler', 'zscaler', weight]]);
  });

  it.each([
    [['Hardware'], 0.5],
    [['Software', 'Hardware'], 1],
    [['Software', 'Hardware', 'Software'], 1],
  ])('%j events weigh %d on the device (DEVICE_EVENT_WEIGHT up to DEVICE_EVENTS_MAX_WEIGHT)', (categories, weight) => {
    expect(blames(events(evidence({ events: categories.map((category) => event(category)) })))).toEqual([['events.device', 'device', weight]]);
  });

  it('matches categories in any case, cites the first event of each (hardware before software), and lists every event last', () => {
    const all = [event('software'), event('NETWORK', 'Wi-Fi Access Point Change'), event('Other'), event('hardware'), event('network', 'IP change'), event('zscaler')];
    const result = events(evidence({ events: all }));

    expect(result.findings).toEqual([
      { rule: 'events.network', facts: { count: 2, first: 'Wi-Fi Access Point Change' }, blame: { suspect: 'network', weight: 1.5 } },
      { rule: 'events.zscaler', facts: { count: 1, first: 'zscaler change' }, blame: { suspect: 'zscaler', weight: 0.75 } },
      { rule: 'events.device', facts: { count: 2, first: 'hardware change' }, blame: { suspect: 'device', weight: 1 } },
      { rule: 'events.list', facts: { events: all } },
    ]);
  });

  it('lists events of other categories without weighing them', () => {
    expect(events(evidence({ events: [event('Other')] })).findings).toEqual([{ rule: 'events.list', facts: { events: [event('Other')] } }]);
  });
});
