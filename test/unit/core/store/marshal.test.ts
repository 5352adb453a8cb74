import { marshalItem, marshalValue, unmarshalItem } from '../../../../lambdas/core/store/marshal.js';

describe('marshalItem', () => {
  it('converts plain values to attribute values and skips undefined members', () => {
    const item = marshalItem({ s: 'x', n: 1.5, b: false, z: null, l: ['a', 2], m: { k: 'v', gone: undefined }, gone: undefined });

    expect(item).toEqual({
      s: { S: 'x' },
      n: { N: '1.5' },
      b: { BOOL: false },
      z: { NULL: true },
      l: { L: [{ S: 'a' }, { N: '2' }] },
      m: { M: { k: { S: 'v' } } },
    });
  });
});

describe('marshalValue', () => {
  it('refuses non-finite numbers instead of storing garbage', () => {
    const convert = () => marshalValue(Number.NaN);

    expect(convert).toThrow(/non-finite/);
  });
});

describe('unmarshalItem', () => {
  it('reads back what marshalItem wrote, and string and number sets as arrays', () => {
    const original = { s: 'x', n: -3, b: true, z: null, l: [1, ['nested']], m: { deep: { er: 'yes' } } };

    const roundTrip = unmarshalItem({ ...marshalItem(original), ss: { SS: ['a', 'b'] }, ns: { NS: ['1', '2'] } });

    expect(roundTrip).toEqual({ ...original, ss: ['a', 'b'], ns: [1, 2] });
  });
});
