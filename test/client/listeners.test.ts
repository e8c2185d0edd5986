import { describe, expect, it } from 'vitest';
import { Listeners, ObservedValue } from '../../lib/client/listeners.js';
import { RecordingLogger } from '../support/fixed-instance-source.js';

describe('Listeners (the core observer style; pure logic)', () => {
  it('calls listeners in subscription order until each unsubscribes; unsubscribing twice is harmless', () => {
    const listeners = new Listeners<number>(new RecordingLogger(), 'test');
    const seen: string[] = [];
    const stopA = listeners.add((value) => seen.push(`a${value}`));
    listeners.add((value) => seen.push(`b${value}`));
    listeners.emit(1);
    stopA();
    stopA();
    listeners.emit(2);
    expect(seen).toEqual(['a1', 'b1', 'b2']);
    expect(listeners.size).toBe(1);
  });

  it('logs a listener that throws, naming the owner, keeps it subscribed and still calls the others', () => {
    const logger = new RecordingLogger();
    const listeners = new Listeners<number>(logger, '/services/hello');
    const seen: number[] = [];
    listeners.add(() => {
      throw new Error('boom');
    });
    listeners.add((value) => seen.push(value));
    listeners.emit(1);
    listeners.emit(2);
    expect(seen).toEqual([1, 2]);
    expect(logger.matching('A listener of /services/hello threw: boom')).toHaveLength(2);
    expect(listeners.size).toBe(2);
  });

  it('a listener removed during an emit is not called; one added during an emit waits for the next', () => {
    const listeners = new Listeners<number>(new RecordingLogger(), 'test');
    const seen: string[] = [];
    let stopB: () => void = () => {};
    listeners.add((value) => {
      seen.push(`a${value}`);
      stopB();
      if (value === 1) listeners.add((later) => seen.push(`c${later}`));
    });
    stopB = listeners.add((value) => seen.push(`b${value}`));
    listeners.emit(1);
    listeners.emit(2);
    expect(seen).toEqual(['a1', 'a2', 'c2']);
  });
});

describe('ObservedValue', () => {
  it('gives a new listener the current value at once, then only changes', () => {
    const value = new ObservedValue('connecting', new RecordingLogger(), 'test');
    const seen: string[] = [];
    value.subscribe((state) => seen.push(state));
    value.set('connecting');
    value.set('connected');
    value.set('connected');
    expect(seen).toEqual(['connecting', 'connected']);
    expect(value.value).toBe('connected');
  });

  it('a listener that sets a newer value does not make later listeners see the older one last', () => {
    const value = new ObservedValue('a', new RecordingLogger(), 'test');
    const first: string[] = [];
    const second: string[] = [];
    value.subscribe((state) => {
      first.push(state);
      if (state === 'b') value.set('c');
    });
    value.subscribe((state) => second.push(state));
    value.set('b');
    expect(first).toEqual(['a', 'b', 'c']);
    expect(second).toEqual(['a', 'c']);
  });

  it('a listener that throws on the first call is logged and still subscribed', () => {
    const logger = new RecordingLogger();
    const value = new ObservedValue(0, logger, 'counter');
    const seen: number[] = [];
    value.subscribe((n) => {
      if (n === 0) throw new Error('not yet');
      seen.push(n);
    });
    value.set(1);
    expect(seen).toEqual([1]);
    expect(logger.matching('A listener of counter threw: not yet')).toHaveLength(1);
    expect(value.listenerCount).toBe(1);
  });

  it('clear() drops every listener', () => {
    const value = new ObservedValue(0, new RecordingLogger(), 'test');
    const seen: number[] = [];
    value.subscribe((n) => seen.push(n));
    value.clear();
    value.set(1);
    expect(seen).toEqual([0]);
    expect(value.listenerCount).toBe(0);
  });
});
