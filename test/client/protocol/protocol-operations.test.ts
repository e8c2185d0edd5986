import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ZkAcls,
  ZkBadVersionError,
  ZkClient,
  ZkMultiError,
  ZkNoAuthError,
  ZkUnexpectedError,
  type ZkWatchEvent,
} from '../../../lib/client/index.js';
import { FaultProxy } from '../../../lib/testing/index.js';
import { uniqueRoot } from '../../support/unique-root.js';
import { waitFor } from '../../support/wait-for.js';

const servers = inject('zkConnect');
const [zkHost, zkPort] = servers.split(':') as [string, string];
const credentials = 'ops-user:ops-secret';

describe('what only the protocol transport can do, against a real server', () => {
  let client: ZkClient;
  let writer: ZkClient;
  let root: string;
  const cleanups: Array<() => Promise<void> | void> = [];

  beforeAll(async () => {
    [client, writer] = await Promise.all([
      ZkClient.connect({ servers, transport: 'protocol' }),
      ZkClient.connect({ servers, transport: 'protocol' }),
    ]);
    root = uniqueRoot('protocol-ops');
    await client.ensurePath(root);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await client.close();
    await writer.close();
  });

  /** Resolves once `client` has seen everything the server sent it before this read's answer. */
  const caughtUp = (of: ZkClient) => of.exists('/');

  it('a create carries its ACL in the one request, and returns the stat', async () => {
    const owner = await ZkClient.connect({
      servers,
      auth: [{ scheme: 'digest', credentials }],
      acl: ZkAcls.creatorAllWorldRead(),
    });
    cleanups.push(() => owner.close());
    const before = owner.requestCounts;
    const created = await owner.createWithStat(`${root}/secured`, 'ours');
    const after = owner.requestCounts;
    expect(after.total - before.total).toBe(1);
    expect(after.setAcl - before.setAcl).toBe(0);
    expect(created.path).toBe(`${root}/secured`);
    expect(created.stat).toMatchObject({ version: 0, aversion: 0, dataLength: 4 });
    expect((await client.getAcl(created.path)).map((entry) => entry.perms).sort()).toEqual(
      ZkAcls.creatorAllWorldRead()
        .map((entry) => entry.perms)
        .sort(),
    );
    await expect(client.setData(created.path, 'theirs')).rejects.toBeInstanceOf(ZkNoAuthError);
  });

  it('creates container and TTL nodes', async () => {
    // Both are reported as plain nodes (ephemeralOwner 0); wire-fixtures.test.ts checks that they
    // are sent as createContainer and createTTL. A server refuses TTL nodes unless it enables them
    // (`extendedTypesEnabled`, as the testing kit does).
    const container = await client.createWithStat(`${root}/container`, '', { mode: 'container' });
    expect(container.stat).toMatchObject({ ephemeralOwner: '0', numChildren: 0 });
    const ttl = await client.createWithStat(`${root}/ttl`, 'x', {
      mode: 'persistent-ttl',
      ttlMs: 60_000,
    });
    expect(ttl.stat).toMatchObject({ ephemeralOwner: '0', dataLength: 1 });
    await expect(client.create(`${root}/no-ttl`, 'x', { mode: 'persistent-ttl' })).rejects.toThrow(
      /`ttlMs` .*persistent-ttl/,
    );
    const sequential = await client.create(`${root}/ttl-seq-`, 'x', {
      mode: 'persistent-sequential-ttl',
      ttlMs: 60_000,
    });
    expect(sequential).toMatch(new RegExp(`^${root}/ttl-seq-\\d{10}$`));
  });

  it('multi applies every operation or none, and names the one that failed', async () => {
    const base = `${root}/multi`;
    await client.create(base, 'v0');
    const results = await client.multi([
      { type: 'check', path: base, version: 0 },
      { type: 'create', path: `${base}/a`, data: 'a', mode: 'ephemeral' },
      { type: 'setData', path: base, data: 'v1' },
      { type: 'create', path: `${base}/b` },
      { type: 'delete', path: `${base}/b` },
    ]);
    expect(results.map((result) => result.type)).toEqual([
      'check',
      'create',
      'setData',
      'create',
      'delete',
    ]);
    expect(results[1]).toMatchObject({ type: 'create', path: `${base}/a` });
    expect(results[2]).toMatchObject({ type: 'setData', stat: { version: 1 } });
    expect((await client.getData(base)).data.toString()).toBe('v1');

    const failure = await client
      .multi([
        { type: 'create', path: `${base}/c`, data: 'c' },
        { type: 'check', path: base, version: 0 },
        { type: 'setData', path: base, data: 'v2' },
      ])
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ZkMultiError);
    expect(failure).toMatchObject({ failedIndex: 1, failedOp: { type: 'check', path: base } });
    expect((failure as ZkMultiError).cause).toBeInstanceOf(ZkBadVersionError);
    expect((failure as Error).message).toContain(`operation 1 (check ${base})`);
    // Nothing of it was applied.
    expect(await client.exists(`${base}/c`)).toBeNull();
    expect((await client.getData(base)).data.toString()).toBe('v1');
  });

  it('a persistent watch fires on every change of its node until it is removed', async () => {
    const node = `${root}/persistent`;
    await writer.create(node, '0');
    const seen: ZkWatchEvent[] = [];
    const watcher = (event: ZkWatchEvent) => seen.push(event);
    await client.addWatch(node, 'persistent', watcher);
    await writer.setData(node, '1');
    await writer.setData(node, '2');
    await writer.create(`${node}/child`);
    await waitFor(() => seen.length === 3);
    expect(seen).toEqual([
      { type: 'changed', path: node },
      { type: 'changed', path: node },
      { type: 'children', path: node },
    ]);
    await client.removeWatch(node, watcher);
    expect(client.persistentWatcherCount).toBe(0);
    await writer.setData(node, '3');
    await caughtUp(client);
    expect(seen).toHaveLength(3);
  });

  it('a persistent recursive watch sees created, changed and deleted below its node, and no children events', async () => {
    const base = `${root}/recursive`;
    await writer.create(base);
    const seen: string[] = [];
    const watcher = (event: ZkWatchEvent) => seen.push(`${event.type} ${event.path}`);
    await client.addWatch(base, 'persistentRecursive', watcher);
    await writer.create(`${base}/a`);
    await writer.create(`${base}/a/deep`, 'x');
    await writer.setData(`${base}/a/deep`, 'y');
    await writer.delete(`${base}/a/deep`);
    await waitFor(() => seen.length === 4);
    expect(seen).toEqual([
      `created ${base}/a`,
      `created ${base}/a/deep`,
      `changed ${base}/a/deep`,
      `deleted ${base}/a/deep`,
    ]);
    await client.removeWatch(base, watcher);
    await writer.create(`${base}/b`);
    await caughtUp(client);
    expect(seen).toHaveLength(4);
  });

  it('getEphemerals lists this session ephemeral nodes under a prefix', async () => {
    const base = `${root}/ephemerals`;
    await client.create(base);
    const a = await client.create(`${base}/a`, '', { mode: 'ephemeral' });
    const b = await client.createProtectedEphemeralSequential(base, 'x');
    await writer.create(`${base}/theirs`, '', { mode: 'ephemeral' });
    expect((await client.getEphemerals(base)).sort()).toEqual([a, b].sort());
  });

  it('whoAmI answers on servers that have it (3.9+), and is a typed UNIMPLEMENTED before', async () => {
    const outcome = await client.whoAmI().catch((error: unknown) => error);
    if (Array.isArray(outcome)) {
      expect(outcome).toEqual(
        expect.arrayContaining([expect.objectContaining({ authScheme: 'ip' })]),
      );
    } else {
      expect(outcome).toBeInstanceOf(ZkUnexpectedError);
      expect(outcome).toMatchObject({ code: -6, operation: 'whoAmI' });
      // The connection survives an operation the server does not know.
      expect(await client.exists(root)).not.toBeNull();
    }
  });

  it('a chroot in the connect string: paths are relative to it, in answers and in events', async () => {
    const chroot = `${root}/chroot`;
    await writer.ensurePath(chroot);
    const rooted = await ZkClient.connect({ servers: `${servers}${chroot}` });
    cleanups.push(() => rooted.close());
    const created = await rooted.create('/node', 'x');
    expect(created).toBe('/node');
    expect((await writer.getData(`${chroot}/node`)).data.toString()).toBe('x');
    const events: ZkWatchEvent[] = [];
    expect(await rooted.getChildren('/', (event) => events.push(event))).toEqual(['node']);
    await writer.create(`${chroot}/other`);
    await waitFor(() => events.length === 1);
    expect(events).toEqual([{ type: 'children', path: '/' }]);
    expect(await rooted.multi([{ type: 'create', path: '/m' }])).toEqual([
      expect.objectContaining({ type: 'create', path: '/m' }),
    ]);
  });

  it('watches of every kind are restored on a resumed session (SetWatches2), and what was missed fires', async () => {
    const proxy = await FaultProxy.start({ host: zkHost, port: Number(zkPort) });
    cleanups.push(() => proxy.close());
    const resumed = await ZkClient.connect({
      servers: proxy.connectString,
      sessionTimeoutMs: 20_000,
    });
    cleanups.push(() => resumed.close());
    const base = `${root}/restored`;
    await writer.create(base, '0');
    await writer.create(`${base}/child`, '0');
    const seen: string[] = [];
    const record = (kind: string) => (event: ZkWatchEvent) =>
      seen.push(`${kind}: ${event.type} ${event.path}`);
    await resumed.getData(base, record('data'));
    await resumed.getChildren(base, record('children'));
    await resumed.exists(`${base}/later`, record('exists'));
    await resumed.addWatch(`${base}/child`, 'persistent', record('persistent'));
    const sessionId = resumed.sessionId;

    proxy.dropConnections();
    proxy.partition();
    await waitFor(() => resumed.state === 'disconnected');
    // Missed while away: one-shot watches fire for these on the resumed session.
    await writer.setData(base, '1');
    await writer.create(`${base}/later`);
    proxy.heal();
    await waitFor(() => resumed.state === 'connected', { timeoutMs: 15_000 });
    expect(resumed.sessionId).toBe(sessionId);
    await waitFor(() => seen.length === 3);
    expect(seen.sort()).toEqual([
      `children: children ${base}`,
      `data: changed ${base}`,
      `exists: created ${base}/later`,
    ]);
    // The persistent watch is held by the new connection too.
    await writer.setData(`${base}/child`, '1');
    await waitFor(() => seen.length === 4);
    expect(seen.at(-1)).toBe(`persistent: changed ${base}/child`);
  });
});
