import { describe, expect, it } from 'vitest';
import {
  OUTLIER_DETECTION_DEFAULTS,
  type OutlierDetectionOptions,
  resolveOutlierDetection,
} from '../../lib/sd/lb/outlier-detection.options.js';
import { type DetectorClock, OutlierDetector } from '../../lib/sd/lb/outlier-detector.js';
import { defaultShouldRetry } from '../../lib/sd/lb/retry.options.js';
import type { ServiceInstance } from '../../lib/sd/service-instance.js';
import { RecordingLogger, testInstance } from '../support/fixed-instance-source.js';

/** A clock whose timers run when the test moves time on. */
class ManualClock implements DetectorClock {
  private time = 1_000_000;
  private readonly timers = new Set<{ at: number; callback: () => void }>();
  now = () => this.time;
  setTimeout = (callback: () => void, ms: number) => {
    const timer = { at: this.time + ms, callback };
    this.timers.add(timer);
    return timer;
  };
  clearTimeout = (timer: unknown) => {
    this.timers.delete(timer as { at: number; callback: () => void });
  };
  advance(ms: number): void {
    this.time += ms;
    for (const timer of [...this.timers].sort((a, b) => a.at - b.at)) {
      if (timer.at > this.time) continue;
      this.timers.delete(timer);
      timer.callback();
    }
  }
  get pending(): number {
    return this.timers.size;
  }
}

/** An endpointer stand-in: endpoints are the instance ids. */
class Endpoints {
  name = '/services/hello';
  private current: { endpoints: string[]; instances: ServiceInstance[] } = {
    endpoints: [],
    instances: [],
  };
  private listener: ((e: readonly string[], i: readonly ServiceInstance[]) => void) | undefined;
  constructor(ids: string[]) {
    this.set(ids);
  }
  set(ids: string[]): void {
    this.current = {
      endpoints: ids,
      instances: ids.map((id) => testInstance(id, `http://127.0.0.1:${9000 + ids.indexOf(id)}`)),
    };
    this.listener?.(this.current.endpoints, this.current.instances);
  }
  endpoints(): readonly string[] {
    return this.current.endpoints;
  }
  subscribe(listener: (e: readonly string[], i: readonly ServiceInstance[]) => void) {
    this.listener = listener;
    listener(this.current.endpoints, this.current.instances);
    return () => {
      this.listener = undefined;
    };
  }
}

function detector(ids: string[], options: OutlierDetectionOptions = {}) {
  const clock = new ManualClock();
  const logger = new RecordingLogger();
  const source = new Endpoints(ids);
  const resolved = resolveOutlierDetection(options, defaultShouldRetry);
  const outliers = new OutlierDetector(source, resolved, logger, clock);
  /** One call on `id`: true succeeds, an error fails. */
  const call = (id: string, outcome: true | unknown) => {
    outliers.started(id);
    if (outcome === true) outliers.succeeded(id);
    else outliers.failed(id, outcome);
  };
  return { outliers, clock, logger, source, call };
}

function text(logger: RecordingLogger, level: 'log' | 'warn'): string {
  return logger.lines
    .filter((line) => line.level === level)
    .map((line) => line.message)
    .join('\n');
}

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9001'), {
  code: 'ECONNREFUSED',
});
const BASE = OUTLIER_DETECTION_DEFAULTS.baseEjectionMs;

describe('OutlierDetector', () => {
  it('ejects an instance after two failed calls in a row, and only then; a success in between starts the count again', () => {
    const { outliers, call, logger } = detector(['a', 'b', 'c']);
    const all = outliers.endpoints();
    call('b', refused);
    call('b', true);
    call('b', refused);
    expect(outliers.endpoints()).toBe(all);
    call('b', refused);
    expect(outliers.endpoints()).toEqual(['a', 'c']);
    expect(outliers.ejected().map((e) => [e.instance.id, e.ejections])).toEqual([['b', 1]]);
    expect(outliers.ejectionsTotal).toBe(1);
    expect(text(logger, 'warn')).toMatch(
      /\/services\/hello: instance b \(http:\/\/127\.0\.0\.1:9001\) ejected for 10000 ms after 2 failed calls in a row \(connect ECONNREFUSED/,
    );
  });

  it('never counts a 4xx answer (retryable: false) or a cancellation', () => {
    const { outliers, call } = detector(['a', 'b']);
    const notFound = Object.assign(new Error('HTTP 404'), { retryable: false });
    const cancelled = new DOMException('cancelled', 'AbortError');
    for (let i = 0; i < 5; i++) call('a', i % 2 ? notFound : cancelled);
    expect(outliers.ejected()).toEqual([]);
  });

  it('after its time, lets exactly one probe call through; a success brings it back, a failure ejects it for twice as long', () => {
    const { outliers, call, clock, logger } = detector(['a', 'b', 'c']);
    call('a', refused);
    call('a', refused);
    clock.advance(BASE - 1);
    expect(outliers.endpoints()).toEqual(['b', 'c']);
    clock.advance(1);
    expect(outliers.endpoints()).toEqual(['a', 'b', 'c']);
    outliers.started('a');
    // The probe is in flight: nobody else is sent there meanwhile.
    expect(outliers.endpoints()).toEqual(['b', 'c']);
    outliers.failed('a', refused);
    expect(outliers.ejected()[0]).toMatchObject({ ejections: 2, until: clock.now() + 2 * BASE });
    clock.advance(2 * BASE);
    call('a', true);
    expect(outliers.endpoints()).toEqual(['a', 'b', 'c']);
    expect(outliers.ejected()).toEqual([]);
    expect(text(logger, 'log')).toMatch(/instance a .* is back: its probe call succeeded/);
  });

  it('good behaviour after a return takes ejections off, one per base time', () => {
    const { outliers, call, clock } = detector(['a', 'b', 'c']);
    const ejectAndReturn = () => {
      call('a', refused);
      call('a', refused);
      const { ejections } = outliers.ejected()[0]!;
      clock.advance(outliers.ejected()[0]!.until - clock.now());
      call('a', true);
      return ejections;
    };
    expect(ejectAndReturn()).toBe(1);
    expect(ejectAndReturn()).toBe(2);
    expect(ejectAndReturn()).toBe(3);
    clock.advance(2 * BASE);
    expect(ejectAndReturn()).toBe(2);
  });

  it('ejects at most the configured share of the instances at once (one always may be)', () => {
    const three = detector(['a', 'b', 'c']);
    for (const id of ['a', 'a', 'b', 'b']) three.call(id, refused);
    expect(three.outliers.ejected().map((e) => e.instance.id)).toEqual(['a']);
    const one = detector(['a', 'b', 'c'], { maxEjectedShare: 0 });
    for (const id of ['a', 'a']) one.call(id, refused);
    expect(one.outliers.ejected().map((e) => e.instance.id)).toEqual(['a']);
  });

  it('never ejects into a panic; a panic comes when healthy instances leave, and then calls go to all', () => {
    const lone = detector(['a']);
    for (let i = 0; i < 4; i++) lone.call('a', refused);
    expect(lone.outliers.ejected()).toEqual([]);
    expect(lone.logger.lines).toEqual([]);

    const { outliers, call, logger, clock, source } = detector(['a', 'b', 'c', 'd'], {
      maxEjectedShare: 1,
    });
    for (const id of ['a', 'a', 'b', 'b', 'c', 'c']) call(id, refused);
    // Two of four out leaves half: the third would leave too few.
    expect(outliers.endpoints()).toEqual(['c', 'd']);
    source.set(['a', 'b', 'c']);
    expect(outliers.endpoints()).toEqual(['a', 'b', 'c']);
    expect(text(logger, 'warn')).toMatch(
      /only 1 of 3 instances are not ejected, under the panic threshold \(0\.5\); calls go to all of them/,
    );
    clock.advance(BASE);
    for (const id of ['a', 'b']) call(id, true);
    expect(text(logger, 'log')).toMatch(/out of panic/);
  });

  it('forgets an instance that leaves, timer included, and follows the new set', () => {
    const { outliers, call, clock, source } = detector(['a', 'b', 'c']);
    call('a', refused);
    call('a', refused);
    expect(clock.pending).toBe(1);
    source.set(['b', 'c', 'd']);
    expect(clock.pending).toBe(0);
    expect(outliers.ejected()).toEqual([]);
    expect(outliers.endpoints()).toEqual(['b', 'c', 'd']);
  });

  it('rejects options out of range, naming the option and the range', () => {
    const resolve = (options: OutlierDetectionOptions) =>
      resolveOutlierDetection(options, defaultShouldRetry);
    expect(() => resolve({ consecutiveFailures: 0 })).toThrow(
      'Invalid option `outlierDetection.consecutiveFailures`: 0. Give a whole number from 1 (default 2).',
    );
    expect(() => resolve({ baseEjectionMs: 20_000, maxEjectionMs: 10_000 })).toThrow(
      'Invalid option `outlierDetection.maxEjectionMs`: 10000. Give a number of milliseconds from 20000 to 2147483647 (default 300000).',
    );
    expect(() => resolve({ panicThreshold: 2 })).toThrow(
      /Invalid option `outlierDetection.panicThreshold`: 2. Give a number from 0 to 1/,
    );
  });
});
