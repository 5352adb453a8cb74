import { alertExecutionName, executionName, isValidExecutionName } from '../../../../lambdas/diagnostics/domain/execution-name.js';

describe('execution-name', () => {
  describe('alertExecutionName', () => {
    it('keeps a plain alert id readable', () => {
      expect(alertExecutionName('7263519')).toBe('alert-7263519');
    });

    it('replaces characters Step Functions refuses and appends a hash of the original', () => {
      const name = alertExecutionName('id with spaces/and:colons');

      expect(name).toMatch(/^alert-id_with_spaces_and_colons-[0-9a-f]{12}$/);
      expect(isValidExecutionName(name)).toBe(true);
    });

    it('gives different names to ids that sanitise alike', () => {
      expect(alertExecutionName('a b')).not.toBe(alertExecutionName('a/b'));
      expect(alertExecutionName('a b')).not.toBe(alertExecutionName('a_b'));
    });

    it('stays within 80 characters for long ids and is stable', () => {
      const id = 'x'.repeat(128);

      expect(alertExecutionName(id)).toHaveLength(80);
      expect(alertExecutionName(id)).toBe(alertExecutionName(id));
      expect(alertExecutionName(id)).not.toBe(alertExecutionName(`${'x'.repeat(127)}y`));
    });
  });

  describe('executionName', () => {
    it('joins the parts with dashes', () => {
      expect(executionName('manual', '1001', '4', 'evt-1')).toBe('manual-1001-4-evt-1');
    });
  });
});
