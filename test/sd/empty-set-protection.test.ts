import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { httpEndpointFactory } from '../../lib/sd/http/http-endpoint.factory.js';
import { Registrar } from '../../lib/sd/registrar/registrar.js';
import { ZkEndpointer, type ZkEndpointerConfig } from '../../lib/sd/zk-endpointer.js';
import { RecordingLogger } from '../support/fixed-instance-source.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

/** A real ZooKeeper: instances registered by one client, whose session ending empties the path. */
describe('empty-set protection', () => {
  let consumer: ZkClient;
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    consumer = await ZkClient.connect({ servers: inject('zkConnect') });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await consumer?.close();
  });

  /** `count` instances registered through one session of their own, and an endpointer on them. */
  async function emptiedPath(count: number, config: Partial<ZkEndpointerConfig<unknown>>) {
    const path = `${uniqueRoot('empty')}/hello`;
    const registering = await ZkClient.connect({ servers: inject('zkConnect') });
    cleanups.push(() => registering.close());
    for (let i = 0; i < count; i++) {
      await new Registrar(registering, {
        path,
        name: 'svc',
        data: `http://127.0.0.1:${9100 + i}`,
      }).register();
    }
    const logger = new RecordingLogger();
    const endpointer = new ZkEndpointer<unknown>(consumer, `${path}/svc`, {
      factory: httpEndpointFactory(),
      logger,
      ...config,
    });
    cleanups.push(() => endpointer.close());
    await waitFor(() => endpointer.endpoints().length === count);
    // The session closes: ZooKeeper deletes its three nodes, one event each.
    await registering.close();
    await waitFor(() => endpointer.snapshot?.instances.length === 0);
    return { path, endpointer, logger };
  }

  it('holds the last instances when the path empties at once, until one registers again', async () => {
    const { path, endpointer, logger } = await emptiedPath(3, {
      emptySetProtection: { maxHoldMs: 60_000 },
    });
    expect(endpointer.endpoints()).toHaveLength(3);
    expect(endpointer.held()).toMatchObject({ count: 3 });
    expect(endpointer.pick()).toBeDefined();
    expect(logger.matching('every instance disappeared at once; calling the last 3')).toHaveLength(
      1,
    );

    const newcomer = new Registrar(consumer, { path, name: 'svc', data: 'http://127.0.0.1:9200' });
    await newcomer.register();
    cleanups.push(() => newcomer.deregister());
    await waitFor(() => endpointer.held() === undefined);
    expect(endpointer.instances().map((instance) => instance.url)).toEqual([
      'http://127.0.0.1:9200',
    ]);
    expect(logger.matching('instances are back (1); the held set is let go')).toHaveLength(1);
  });

  it('drops the held set after maxHoldMs when nothing comes back', async () => {
    const { endpointer, logger } = await emptiedPath(2, { emptySetProtection: { maxHoldMs: 300 } });
    expect(endpointer.held()).toMatchObject({ count: 2 });
    await waitFor(() => endpointer.endpoints().length === 0);
    expect(endpointer.held()).toBeUndefined();
    expect(
      logger.matching('no instance came back within 300 ms; the held set is dropped'),
    ).toHaveLength(1);
  });

  it('is off by default: an emptied path has no endpoints', async () => {
    const { endpointer } = await emptiedPath(2, {});
    await waitFor(() => endpointer.endpoints().length === 0);
    expect(endpointer.held()).toBeUndefined();
  });

  it('rejects a maxHoldMs out of range, saying which, and leaves nothing behind', async () => {
    // An instancer follows its client's state from its constructor until it is closed.
    const followers = consumer.subscriberCount;
    expect(
      () =>
        new ZkEndpointer<unknown>(consumer, '/any/path', {
          factory: httpEndpointFactory(),
          emptySetProtection: { maxHoldMs: 0 },
        }),
    ).toThrow(
      'Invalid option `emptySetProtection.maxHoldMs`: 0. Give a number of milliseconds above 0 to 2147483647 (default 300000).',
    );
    // The instancer leased for the path was given back and closed.
    expect(consumer.subscriberCount).toBe(followers);
  });
});
