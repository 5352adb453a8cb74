import { matchesEventPattern } from '../../../local/sandbox/event-pattern.js';

const event = {
  source: 'aws.cloudformation',
  'detail-type': 'CloudFormation Stack Status Change',
  region: 'eu-west-1',
  resources: ['arn:aws:cloudformation:eu-west-1:111122223333:stack/app/1'],
  detail: { 'status-details': { status: 'UPDATE_COMPLETE' }, 'stack-id': 'arn:aws:cloudformation:eu-west-1:111122223333:stack/app/1', size: 5 },
};

describe('matchesEventPattern', () => {
  it('matches literal values in nested objects', () => {
    expect(matchesEventPattern({ source: ['aws.cloudformation'], detail: { 'status-details': { status: ['CREATE_COMPLETE', 'UPDATE_COMPLETE'] } } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { 'status-details': { status: ['DELETE_COMPLETE'] } } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { missing: { field: ['x'] } } }, event)).toBe(false);
  });

  it('supports $or between alternatives', () => {
    const pattern = { detail: { $or: [{ 'status-details': { status: ['CREATE_COMPLETE'] } }, { 'status-details': { status: ['UPDATE_COMPLETE'] } }] } };

    expect(matchesEventPattern(pattern, event)).toBe(true);
  });

  it('supports prefix, suffix, anything-but, exists, equals-ignore-case, wildcard and numeric', () => {
    expect(matchesEventPattern({ region: [{ prefix: 'eu-' }] }, event)).toBe(true);
    expect(matchesEventPattern({ region: [{ suffix: '-1' }] }, event)).toBe(true);
    expect(matchesEventPattern({ region: [{ 'anything-but': ['us-east-1'] }] }, event)).toBe(true);
    expect(matchesEventPattern({ region: [{ 'anything-but': { prefix: 'eu-' } }] }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { nothing: [{ exists: false }] } }, event)).toBe(true);
    expect(matchesEventPattern({ source: [{ 'equals-ignore-case': 'AWS.CloudFormation' }] }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { 'stack-id': [{ wildcard: 'arn:aws:cloudformation:*:stack/app/*' }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { size: [{ numeric: ['>', 1, '<=', 5] }] } }, event)).toBe(true);
  });

  it('matches array fields element by element', () => {
    expect(matchesEventPattern({ resources: [{ prefix: 'arn:aws:cloudformation:eu-west-1:' }] }, event)).toBe(true);
  });

  it('rejects filters it does not know instead of guessing', () => {
    expect(() => matchesEventPattern({ region: [{ 'cidr': '10.0.0.0/8' }] }, event)).toThrow('does not support "cidr"');
  });
});
