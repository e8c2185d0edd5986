import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { ZkClient, type ZkRequestCounts } from '../../lib/client/index.js';
import { Instancer } from '../../lib/sd/instancer/instancer.js';
import {
  isTreeWatchUnsupported,
  treeWatchesUnsupported,
} from '../../lib/sd/instancer/tree-watch-support.js';
import { FaultProxy } from '../../lib/testing/index.js';
import { dubboNodeName, providerUrl } from '../interop/dubbo-names.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const servers = inject('zkConnect');
const [zkHost, zkPort] = servers.split(':') as [string, string];
const quiet = { log: () => {}, warn: () => {}, error: () => {} };

/** What `client` sent between two snapshots of its counts, per operation (zeros left out). */
function sentBetween(before: ZkRequestCounts, after: ZkRequestCounts): Partial<ZkRequestCounts> {
  const sent: Partial<ZkRequestCounts> = {};
  for (const key of Object.keys(after) as (keyof ZkRequestCounts)[]) {
    const delta = after[key] - before[key];
    if (delta !== 0) sent[key] = delta;
  }
  return sent;
}

describe('the instancer on one persistent recursive watch (protocol transport, ZooKeeper 3.6+)', () => {
  let writer: ZkClient;
  const cleanups: Array<() => Promise<void> | void> = [];
  beforeAll(async () => {
    writer = await ZkClient.connect({ servers });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(() => writer.close());

  async function watched(path: string, client?: ZkClient) {
    const watching = client ?? (await ZkClient.connect({ servers }));
    if (!client) cleanups.push(() => watching.close());
    const instancer = new Instancer(watching, path, { logger: quiet });
    cleanups.push(() => instancer.close());
    const urls = () => (instancer.snapshot?.instances ?? []).map((instance) => instance.url).sort();
    return { watching, instancer, urls };
  }

  /** Resolves once `client` has had every event the server sent it before this read's answer. */
  const caughtUp = (client: ZkClient) => client.exists('/');

  it('a change costs one read of the child that changed, whatever the number of instances', async () => {
    const path = `${uniqueRoot('tree')}/svc`;
    await writer.ensurePath(path);
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        writer.create(`${path}/i${i}`, `http://127.0.0.1:${10_000 + i}`, { mode: 'ephemeral' }),
      ),
    );
    const { watching, instancer, urls } = await watched(path);
    await waitFor(() => urls().length === 200);
    expect(instancer.snapshot?.stale).toBe(false);

    let before = watching.requestCounts;
    await writer.create(`${path}/new`, 'http://127.0.0.1:9999', { mode: 'ephemeral' });
    await waitFor(() => urls().includes('http://127.0.0.1:9999'));
    expect(sentBetween(before, watching.requestCounts)).toEqual({ total: 1, getData: 1 });

    before = watching.requestCounts;
    await writer.setData(`${path}/new`, 'http://127.0.0.1:9998');
    await waitFor(() => urls().includes('http://127.0.0.1:9998'));
    expect(sentBetween(before, watching.requestCounts)).toEqual({ total: 1, getData: 1 });

    before = watching.requestCounts;
    await writer.delete(`${path}/new`);
    await waitFor(() => urls().length === 200);
    await caughtUp(watching);
    expect(sentBetween(before, watching.requestCounts)).toEqual({ total: 1, exists: 1 });

    // Nodes below the children, and the service node's own data, are nothing to the instancer.
    await writer.create(`${path}/parent`, 'http://127.0.0.1:7777');
    await waitFor(() => urls().includes('http://127.0.0.1:7777'));
    before = watching.requestCounts;
    await writer.create(`${path}/parent/deeper`, 'x');
    await writer.setData(`${path}/parent/deeper`, 'y');
    await writer.setData(path, 'service data');
    await caughtUp(watching);
    expect(sentBetween(before, watching.requestCounts)).toEqual({ total: 1, exists: 1 });
    expect(urls()).toHaveLength(201);
  });

  it('children named by their registration (Dubbo) cost no read at all', async () => {
    const path = `${uniqueRoot('tree-dubbo')}/dubbo/org.example.Hello/providers`;
    await writer.ensurePath(path);
    const { watching, instancer, urls } = await watched(path);
    await waitFor(() => instancer.snapshot !== undefined);
    const before = watching.requestCounts;
    const name = dubboNodeName(providerUrl('http', 8080, 'org.example.Hello'));
    await writer.create(`${path}/${name}`, '', { mode: 'ephemeral' });
    await waitFor(() => urls().length === 1);
    await writer.delete(`${path}/${name}`);
    await waitFor(() => urls().length === 0);
    await caughtUp(watching);
    expect(sentBetween(before, watching.requestCounts)).toEqual({ total: 1, exists: 1 });
  });

  it('after a reconnect it lists again and reads every child again: what changed meanwhile is not replayed', async () => {
    const proxy = await FaultProxy.start({ host: zkHost, port: Number(zkPort) });
    cleanups.push(() => proxy.close());
    const watching = await ZkClient.connect({
      servers: proxy.connectString,
      sessionTimeoutMs: 20_000,
    });
    cleanups.push(() => watching.close());
    const path = `${uniqueRoot('tree-reconnect')}/svc`;
    await writer.ensurePath(path);
    for (const i of [1, 2, 3]) await writer.create(`${path}/i${i}`, `http://127.0.0.1:${i}`);
    const { instancer, urls } = await watched(path, watching);
    await waitFor(() => urls().length === 3);

    proxy.dropConnections();
    proxy.partition();
    await waitFor(() => instancer.snapshot?.stale === true);
    await writer.delete(`${path}/i1`);
    await writer.setData(`${path}/i2`, 'http://127.0.0.1:22');
    await writer.create(`${path}/i4`, 'http://127.0.0.1:4');
    const before = watching.requestCounts;
    proxy.heal();
    await waitFor(() => instancer.snapshot?.stale === false, { timeoutMs: 15_000 });
    expect(urls()).toEqual(['http://127.0.0.1:22', 'http://127.0.0.1:3', 'http://127.0.0.1:4']);
    // One list, and the data of the three children there.
    expect(sentBetween(before, watching.requestCounts)).toMatchObject({
      getChildren: 1,
      getData: 3,
    });
    // The tree watch is still there: a change after the reconnect comes through.
    await writer.create(`${path}/i5`, 'http://127.0.0.1:5');
    await waitFor(() => urls().includes('http://127.0.0.1:5'));
  });

  it('after a new session it adds the watch again and reads everything again', async () => {
    const proxy = await FaultProxy.start({ host: zkHost, port: Number(zkPort) });
    cleanups.push(() => proxy.close());
    const watching = await ZkClient.connect({
      servers: proxy.connectString,
      sessionTimeoutMs: 2_000,
    });
    cleanups.push(() => watching.close());
    const path = `${uniqueRoot('tree-session')}/svc`;
    await writer.ensurePath(path);
    await writer.create(`${path}/i1`, 'http://127.0.0.1:1');
    const marker = await watching.create(`${path}-marker`, '', { mode: 'ephemeral' });
    const { instancer, urls } = await watched(path, watching);
    await waitFor(() => urls().length === 1);
    const first = watching.sessionId;

    proxy.partition();
    // The server expires the session (its ephemeral node goes); the client learns it on its return.
    await waitFor(async () => (await writer.exists(marker)) === null, { timeoutMs: 10_000 });
    await writer.setData(`${path}/i1`, 'http://127.0.0.1:11');
    await writer.create(`${path}/i2`, 'http://127.0.0.1:2');
    proxy.heal();
    await waitFor(() => watching.sessionId !== undefined && watching.sessionId !== first, {
      timeoutMs: 10_000,
    });
    await waitFor(() => urls().join() === 'http://127.0.0.1:11,http://127.0.0.1:2');
    expect(instancer.watchRearms).toBe(1);
    expect(watching.persistentWatcherCount).toBe(1);
    await writer.create(`${path}/i3`, 'http://127.0.0.1:3');
    await waitFor(() => urls().includes('http://127.0.0.1:3'));
  });

  it('on the native transport it uses one-shot watches (a documented choice: nothing logged)', async () => {
    const lines: string[] = [];
    const logger = { log: (line: string) => lines.push(line), warn: () => {}, error: () => {} };
    const native = await ZkClient.connect({ servers, transport: 'native' });
    cleanups.push(() => native.close());
    const path = `${uniqueRoot('tree-native')}/svc`;
    await writer.ensurePath(path);
    const instancer = new Instancer(native, path, { logger });
    cleanups.push(() => instancer.close());
    await waitFor(() => instancer.snapshot !== undefined);
    const before = native.requestCounts;
    await writer.create(`${path}/i1`, 'http://127.0.0.1:1', { mode: 'ephemeral' });
    await waitFor(() => instancer.snapshot?.instances.length === 1);
    // One-shot: the children list is read again on the change, and no addWatch was tried.
    expect(sentBetween(before, native.requestCounts)).toEqual({
      total: 2,
      getChildren: 1,
      getData: 1,
    });
    expect(native.requestCounts.addWatch).toBe(0);
    expect(lines).toEqual([]);
  });
});

describe('learning that a server has no persistent watches (before ZooKeeper 3.6)', () => {
  it('is said once per client, whatever the number of instancers, and only for what means it', () => {
    const lines: string[] = [];
    const logger = { log: (line: string) => lines.push(line), warn: () => {}, error: () => {} };
    // Only the identity and the transport of the client matter here.
    const client = { transport: 'protocol' } as ZkClient;
    const other = { transport: 'protocol' } as ZkClient;
    expect(treeWatchesUnsupported(client)).toBeUndefined();
    expect(isTreeWatchUnsupported(client, new Error('connection lost'), logger)).toBe(false);
    const unimplemented = Object.assign(new Error('ZUNIMPLEMENTED'), { code: -6 });
    expect(isTreeWatchUnsupported(client, unimplemented, logger)).toBe(true);
    expect(isTreeWatchUnsupported(client, unimplemented, logger)).toBe(true);
    expect(treeWatchesUnsupported(client)).toMatch(/before ZooKeeper 3\.6/);
    expect(treeWatchesUnsupported(other)).toBeUndefined();
    expect(lines).toEqual([
      'Instancers of this client watch with one-shot watches (one children read per change): the server has no persistent watches (before ZooKeeper 3.6)',
    ]);
  });
});
