import { afterEach, describe, expect, it, vi } from 'vitest';
import { MembershipLog } from '../../lib/nest/membership-log.js';
import type { InstancerSnapshot } from '../../lib/sd/service-instance.js';
import { RecordingLogger, testInstance } from '../support/fixed-instance-source.js';

const snapshot = (...ports: number[]): InstancerSnapshot => ({
  instances: ports.map((port) => testInstance(`i${port}`, `http://10.0.0.1:${port}`)),
  stale: false,
  updatedAt: Date.now(),
});

describe('MembershipLog: which instances joined and left, rate-limited', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('says nothing of the first set, logs the first change at once and gathers the next ones for 5 s', () => {
    vi.useFakeTimers();
    const logger = new RecordingLogger();
    const log = new MembershipLog('/services/a', logger);
    log.update(snapshot(1, 2));
    expect(logger.lines).toEqual([]);
    log.update(snapshot(1, 2, 3));
    expect(logger.lines.map((line) => line.message)).toEqual([
      '/services/a: 1 joined (10.0.0.1:3); 3 instances now',
    ]);
    // A rolling restart: 2 leave and come back, 1 more leaves, within the next 5 s.
    log.update(snapshot(3));
    log.update(snapshot(1, 2, 3));
    log.update(snapshot(1, 2));
    vi.advanceTimersByTime(4999);
    expect(logger.lines).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(logger.lines.map((line) => line.message)).toEqual([
      '/services/a: 1 joined (10.0.0.1:3); 3 instances now',
      '/services/a: 1 left (10.0.0.1:3); 2 instances now',
    ]);
    log.close();
  });

  it('names at most five instances, ignores failed reads, and stops with close()', () => {
    vi.useFakeTimers();
    const logger = new RecordingLogger();
    const log = new MembershipLog('/services/b', logger);
    log.update(snapshot());
    log.update({ instances: [], error: new Error('connection loss'), stale: true, updatedAt: 0 });
    log.update(snapshot(1, 2, 3, 4, 5, 6, 7));
    expect(logger.lines.map((line) => line.message)).toEqual([
      '/services/b: 7 joined (10.0.0.1:1, 10.0.0.1:2, 10.0.0.1:3, 10.0.0.1:4, 10.0.0.1:5 and 2 more); 7 instances now',
    ]);
    log.update(snapshot());
    log.close();
    vi.advanceTimersByTime(10_000);
    expect(logger.lines).toHaveLength(1);
  });
});
