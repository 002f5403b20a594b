import { describe, expect, it } from '@jest/globals';
import { finalStates, mergeInstanceWrites } from '../../../../src/workflows/engine/local-steps';
import type { InstanceWrite } from '../../../../src/workflows/engine/local-steps';
import type { LocalTask } from '../../../../src/workflows/engine/persisted';

const setState = (instance: string, state: string) => ({ kind: 'set_state', instance_id: instance, node_id: 'n', state, message: null }) as unknown as LocalTask;
const sendEvent = (message: string) => ({ kind: 'send_event', instance_id: null, node_id: null, message }) as unknown as LocalTask;

describe('mergeInstanceWrites', () => {
  it('keeps the later state and accumulates runtime properties, without changing the writes it was given', () => {
    const into = new Map<string, InstanceWrite>([['a', { state: 'creating' }]]);
    const later = new Map<string, InstanceWrite>([
      ['a', { state: 'created', runtimeProperties: { ip: '10.0.0.1' } }],
      ['b', { runtimeProperties: { port: 80 } }],
    ]);
    mergeInstanceWrites(into, later);
    mergeInstanceWrites(into, new Map([['a', { runtimeProperties: { ip: '10.0.0.2', zone: 'x' } }]]));
    expect(Object.fromEntries(into)).toEqual({
      a: { state: 'created', runtimeProperties: { ip: '10.0.0.2', zone: 'x' } },
      b: { runtimeProperties: { port: 80 } },
    });
    expect(later.get('b')).toEqual({ runtimeProperties: { port: 80 } });
  });

  it('a write without a state leaves the earlier state alone', () => {
    const into = new Map<string, InstanceWrite>([['a', { state: 'configuring' }]]);
    mergeInstanceWrites(into, new Map([['a', { runtimeProperties: { k: 1 } }]]));
    expect(into.get('a')).toEqual({ state: 'configuring', runtimeProperties: { k: 1 } });
  });
});

describe('finalStates', () => {
  it('gives the last state each instance is set to, and nothing for other local steps', () => {
    const steps = [setState('a', 'initializing'), setState('a', 'creating'), sendEvent('hello'), setState('b', 'stopping'), setState('a', 'created')];
    expect(Object.fromEntries(finalStates(steps))).toEqual({ a: { state: 'created' }, b: { state: 'stopping' } });
    expect(finalStates([sendEvent('only an event')]).size).toBe(0);
  });
});
