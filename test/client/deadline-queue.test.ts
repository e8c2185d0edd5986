import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeadlineQueue } from '../../lib/client/deadline-queue.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('DeadlineQueue (one timer for every request of a client)', () => {
  function queue(timeoutMs: number) {
    vi.useFakeTimers();
    const expired: string[] = [];
    const q = new DeadlineQueue<string>(
      timeoutMs,
      (entry) => expired.push(entry),
      () => Date.now(),
    );
    return { q, expired };
  }

  it('expires each entry at its own deadline, in order, and never one that was settled', () => {
    const { q, expired } = queue(1000);
    q.add('a');
    vi.advanceTimersByTime(300);
    q.add('b');
    q.add('c');
    vi.advanceTimersByTime(300);
    q.add('d');
    expect(q.delete('c')).toBe(true);
    vi.advanceTimersByTime(399);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['a']);
    vi.advanceTimersByTime(300);
    expect(expired).toEqual(['a', 'b']);
    vi.advanceTimersByTime(300);
    expect(expired).toEqual(['a', 'b', 'd']);
    expect(q.size).toBe(0);
    // Taken out by the deadline: whoever answers late finds nothing to settle.
    expect(q.delete('a')).toBe(false);
  });

  it('arms one timer at a time, and arms again after going idle', () => {
    const { q, expired } = queue(500);
    for (const entry of ['a', 'b', 'c']) q.add(entry);
    expect(vi.getTimerCount()).toBe(1);
    for (const entry of ['a', 'b', 'c']) q.delete(entry);
    vi.advanceTimersByTime(500);
    expect(vi.getTimerCount()).toBe(0);
    q.add('e');
    vi.advanceTimersByTime(500);
    expect(expired).toEqual(['e']);
  });

  it('an entry added by the expiry callback gets its full timeout', () => {
    vi.useFakeTimers();
    const expired: string[] = [];
    const q: DeadlineQueue<string> = new DeadlineQueue(
      200,
      (entry) => {
        expired.push(entry);
        if (entry === 'first') q.add('retry');
      },
      () => Date.now(),
    );
    q.add('first');
    vi.advanceTimersByTime(200);
    expect(expired).toEqual(['first']);
    vi.advanceTimersByTime(199);
    expect(expired).toEqual(['first']);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['first', 'retry']);
  });

  it('takes out the entries that match, leaving the rest to their deadlines', () => {
    const { q, expired } = queue(100);
    for (const entry of ['a1', 'b1', 'a2']) q.add(entry);
    expect(q.takeWhere((entry) => entry.startsWith('a'))).toEqual(['a1', 'a2']);
    vi.advanceTimersByTime(100);
    expect(expired).toEqual(['b1']);
  });

  it('its timer never keeps a process alive', () => {
    vi.useRealTimers();
    const refTimers = () => process.getActiveResourcesInfo().filter((n) => n === 'Timeout').length;
    const before = refTimers();
    const q = new DeadlineQueue<string>(60_000, () => {});
    q.add('a');
    const during = refTimers();
    q.delete('a');
    expect(during).toBe(before);
    // The control: a ref'd timer is counted.
    const control = setTimeout(() => {}, 60_000);
    expect(refTimers()).toBe(before + 1);
    clearTimeout(control);
  });
});
