import { InvalidInputError } from '../../../../lambdas/core/errors.js';
import { buildQuery, fillPath } from '../../../../lambdas/core/http/path.js';

describe('path', () => {
  describe('fillPath', () => {
    it('encodes every path parameter', () => {
      expect(fillPath('/devices/{deviceId}/deeptraces/{traceId}', { deviceId: 12, traceId: '../x?y#z' })).toBe(
        '/devices/12/deeptraces/..%2Fx%3Fy%23z',
      );
    });

    it('rejects a missing or empty parameter, naming it', () => {
      expect(() => fillPath('/alerts/{id}', {})).toThrow(InvalidInputError);
      expect(() => fillPath('/alerts/{id}', { id: '' })).toThrow('path parameter "id" of /alerts/{id} is missing');
    });
  });

  describe('buildQuery', () => {
    it('repeats array keys and leaves out undefined and null', () => {
      expect(buildQuery({ loc: [1, 2], geo: [], a: undefined, b: null, c: false, q: 'a&b' })).toBe('?loc=1&loc=2&c=false&q=a%26b');
      expect(buildQuery({})).toBe('');
    });
  });
});
