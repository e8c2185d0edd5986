import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { resolveZkClientOptions } from '../../lib/client/zk-client.options.js';
import {
  InjectEndpointer,
  ZkDiscoveryModule,
  type ZkDiscoveryModuleOptions,
  type ZkEndpointerOptions,
} from '../../lib/index.js';
import { resolveZkDiscoveryOptions } from '../../lib/nest/zk-discovery.options-resolver.js';

const servers = '127.0.0.1:2181';
const withEndpointer = (endpointer: ZkEndpointerOptions): ZkDiscoveryModuleOptions => ({
  servers,
  endpointer,
});

describe('forRoot() checks every endpointer option before anything starts', () => {
  it.each([
    [{ retry: { attempts: 0 } }, 'endpointer: Invalid option `retry.attempts`: 0'],
    [{ retry: { timeoutMs: 2 ** 31 } }, 'Invalid option `retry.timeoutMs`: 2147483648'],
    [{ retry: { backoff: { factor: 0.5 } } }, 'Invalid option `backoff.factor`: 0.5'],
    [
      { outlierDetection: { consecutiveFailures: 0 } },
      'Invalid option `outlierDetection.consecutiveFailures`: 0',
    ],
    [{ zone: '' }, 'Invalid option `zone`: ""'],
    [{ zone: { zone: 'eu', minHealthyShare: 2 } }, 'Invalid option `zone.minHealthyShare`: 2'],
    [
      { emptySetProtection: { maxHoldMs: -1 } },
      'Invalid option `emptySetProtection.maxHoldMs`: -1',
    ],
    [{ invalidateOnErrorMs: -5 }, 'Invalid option `invalidateOnErrorMs`: -5'],
    [{ startupWaitMs: 2 ** 31 }, 'Invalid option `startupWaitMs`: 2147483648'],
    [{ balancer: 'fastest' }, 'Invalid option `balancer`: "fastest"'],
  ] as Array<[ZkEndpointerOptions, string]>)(
    'rejects %j, naming the option',
    (options, message) => {
      expect(() => resolveZkDiscoveryOptions(withEndpointer(options))).toThrow(message);
      expect(() => resolveZkDiscoveryOptions(withEndpointer(options))).toThrow(
        /^ZkDiscoveryModule endpointer: /,
      );
    },
  );

  it('fills in the startup wait once, for every endpointer', () => {
    expect(resolveZkDiscoveryOptions({ servers }).endpointer.startupWaitMs).toBe(5000);
  });

  it('rejects a drain or deregistration time a timer cannot hold (it would fire at once)', () => {
    const registration = { path: '/services/a', name: 'x' };
    expect(() =>
      resolveZkDiscoveryOptions({
        servers,
        registration: { ...registration, drainDelayMs: 2 ** 31 },
      }),
    ).toThrow(
      'Invalid option `registration.drainDelayMs`: 2147483648. Give a number of milliseconds from 0 to 2147483647 (default 1000).',
    );
    expect(() =>
      resolveZkDiscoveryOptions({
        servers,
        registration: { ...registration, deregisterTimeoutMs: Number.NaN },
      }),
    ).toThrow('Invalid option `registration.deregisterTimeoutMs`: NaN');
  });
});

describe("the client's options are checked as strictly", () => {
  it('takes logger: false as no logging, and refuses an object that is not a logger', () => {
    expect(() => resolveZkClientOptions({ servers, logger: false }).logger.warn('x')).not.toThrow();
    expect(() => resolveZkClientOptions({ servers, logger: { log() {} } as never })).toThrow(
      'Invalid ZooKeeper option `logger`: it has no warn, error function.',
    );
  });

  it('refuses a timeout a timer cannot hold', () => {
    expect(() => resolveZkClientOptions({ servers, sessionTimeoutMs: 2 ** 31 })).toThrow(
      'Invalid option `sessionTimeoutMs`: 2147483648.',
    );
  });

  it('a client with logger: false connects and logs nothing', async () => {
    const client = await ZkClient.connect({ servers: inject('zkConnect'), logger: false });
    try {
      expect(await client.exists('/')).toBeDefined();
    } finally {
      await client.close();
    }
  });
});

describe("an @InjectEndpointer's own options are checked when the app starts", () => {
  const apps: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  it('fails the startup naming the path and the option, not the first call', async () => {
    @Injectable()
    class Caller {
      constructor(
        @InjectEndpointer('/checked/at/startup', { retry: { attempts: -1 } }) readonly e: unknown,
      ) {}
    }
    const building = Test.createTestingModule({
      imports: [ZkDiscoveryModule.forRoot({ servers: inject('zkConnect'), logger: false })],
      providers: [Caller],
    }).compile();
    await expect(building).rejects.toThrow(
      "ZkDiscoveryModule @InjectEndpointer('/checked/at/startup'): Invalid option `retry.attempts`: -1.",
    );
  });
});
