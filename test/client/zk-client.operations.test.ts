import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ZkAcls,
  ZkBadVersionError,
  ZkClient,
  ZkClosedError,
  ZkConnectError,
  ZkNoAuthError,
  ZkNodeExistsError,
  ZkNoNodeError,
  ZkNotEmptyError,
  type ZkWatchEvent,
} from '../../lib/client/index.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const servers = inject('zkConnect');

describe('ZkClient operations against a real server', () => {
  let client: ZkClient;
  let root: string;

  beforeAll(async () => {
    client = await ZkClient.connect({ servers, sessionTimeoutMs: 10_000 });
    root = uniqueRoot();
    await client.ensurePath(root);
  });
  afterAll(() => client.close());

  it('connects: state connected, a session id, the granted timeout', () => {
    expect(client.state).toBe('connected');
    expect(client.sessionId).toMatch(/^[0-9a-f]+$/);
    expect(client.sessionTimeoutMs).toBe(10_000);
  });

  it('creates, reads, updates and deletes a node', async () => {
    const path = await client.create(`${root}/crud`, 'one');
    expect(path).toBe(`${root}/crud`);
    const read = await client.getData(path);
    expect(read.data.toString()).toBe('one');
    const stat = await client.setData(path, Buffer.from('two'), read.stat.version);
    expect(stat.version).toBe(read.stat.version + 1);
    expect((await client.getData(path)).data.toString()).toBe('two');
    await client.delete(path);
    expect(await client.exists(path)).toBeNull();
  });

  it('rejects with typed errors that carry the path', async () => {
    const missing = `${root}/missing`;
    const noNode = await client.getData(missing).catch((error: unknown) => error);
    expect(noNode).toBeInstanceOf(ZkNoNodeError);
    expect(noNode).toMatchObject({ path: missing, operation: 'getData' });
    expect((noNode as Error).message).toContain(missing);

    await client.create(`${root}/dup`);
    await expect(client.create(`${root}/dup`)).rejects.toBeInstanceOf(ZkNodeExistsError);

    await client.create(`${root}/dup/child`);
    await expect(client.delete(`${root}/dup`)).rejects.toBeInstanceOf(ZkNotEmptyError);

    await expect(client.setData(`${root}/dup`, 'x', 42)).rejects.toBeInstanceOf(ZkBadVersionError);
    await expect(client.create(`${root}/no/parent`)).rejects.toBeInstanceOf(ZkNoNodeError);
  });

  it('ensurePath creates missing parents empty and persistent, and tolerates existing ones', async () => {
    await client.ensurePath(`${root}/a/b/c`);
    await client.ensurePath(`${root}/a/b/c`);
    const { data, stat } = await client.getData(`${root}/a/b`);
    expect(data.length).toBe(0);
    expect(stat.ephemeralOwner).toBe('0');
  });

  it('creates ephemeral and protected ephemeral-sequential nodes in the go-kit layout', async () => {
    await client.ensurePath(`${root}/svc`);
    const node = await client.createProtectedEphemeralSequential(
      `${root}/svc`,
      'http://127.0.0.1:8080',
    );
    expect(node).toMatch(new RegExp(`^${root}/svc/_c_[0-9a-f]{32}-\\d{10}$`));
    const { stat } = await client.getData(node);
    expect(stat.ephemeralOwner).not.toBe('0');
    const ephemeral = await client.create(`${root}/svc/plain`, '', { mode: 'ephemeral' });
    expect((await client.exists(ephemeral))?.ephemeralOwner).not.toBe('0');
  });

  it('reads a node of almost 1 MB without losing its session', async () => {
    // The binding used to close a healthy session as "expired" while a large answer arrived.
    const sessions: string[] = [];
    const stopRecording = client.subscribeSessions((event) => sessions.push(event.sessionId));
    const size = 1024 * 1024 - 2048;
    await client.create(`${root}/huge`, Buffer.alloc(size, 0x41));
    const reads = await Promise.all([client.getData(`${root}/huge`), client.getChildren(root)]);
    stopRecording();
    expect(reads[0].data.length).toBe(size);
    expect(sessions).toEqual([]);
    expect(client.state).toBe('connected');
  });

  it('counts the requests it sends, per operation', async () => {
    const before = client.requestCounts;
    await client.getChildren(root);
    await client.exists(root);
    const after = client.requestCounts;
    expect(after.getChildren - before.getChildren).toBe(1);
    expect(after.exists - before.exists).toBe(1);
    expect(after.total - before.total).toBe(2);
  });
});

describe('ZkClient watches', () => {
  let client: ZkClient;
  let writer: ZkClient;
  let root: string;

  beforeAll(async () => {
    [client, writer] = await Promise.all([
      ZkClient.connect({ servers }),
      ZkClient.connect({ servers }),
    ]);
    root = uniqueRoot();
    await client.ensurePath(root);
  });
  afterAll(async () => {
    await client.close();
    await writer.close();
  });

  it('a children watch fires once per arming, as a node event', async () => {
    const events: ZkWatchEvent[] = [];
    await client.getChildren(root, (event) => events.push(event));
    await writer.create(`${root}/one`);
    await waitFor(() => events.length === 1);
    await writer.create(`${root}/two`);
    // Not re-armed: the second change is not reported. Prove it by arming a fresh watch and seeing
    // only that one fire on the third change.
    const later: ZkWatchEvent[] = [];
    await client.getChildren(root, (event) => later.push(event));
    await writer.create(`${root}/three`);
    await waitFor(() => later.length === 1);
    expect(events).toEqual([{ type: 'children', path: root }]);
  });

  it('watchers of one path share one native watch: each fires once, an unwatched one never', async () => {
    const path = `${root}/shared`;
    await writer.create(path, 'v1');
    const first: ZkWatchEvent[] = [];
    const second: ZkWatchEvent[] = [];
    const removed: ZkWatchEvent[] = [];
    const removedWatcher = (event: ZkWatchEvent) => removed.push(event);
    await client.getData(path, (event) => first.push(event));
    await client.getData(path, (event) => second.push(event));
    await client.getData(path, removedWatcher);
    client.unwatch(path, removedWatcher);
    expect(client.watcherCount).toBe(2);
    await writer.setData(path, 'v2');
    await waitFor(() => first.length === 1 && second.length === 1);
    await writer.setData(path, 'v3');
    // Consumed: nothing more arrives; prove it by a fresh watch seeing the next change alone.
    const fresh: ZkWatchEvent[] = [];
    await client.getData(path, (event) => fresh.push(event));
    await writer.setData(path, 'v4');
    await waitFor(() => fresh.length === 1);
    expect([first.length, second.length, removed.length]).toEqual([1, 1, 0]);
    expect(client.watcherCount).toBe(0);
  });

  it('data and existence watches report changed, created and deleted', async () => {
    const path = `${root}/watched`;
    const existence: ZkWatchEvent[] = [];
    expect(await client.exists(path, (event) => existence.push(event))).toBeNull();
    await writer.create(path, 'v1');
    await waitFor(() => existence.length === 1);
    expect(existence[0]).toEqual({ type: 'created', path });

    const data: ZkWatchEvent[] = [];
    await client.getData(path, (event) => data.push(event));
    await writer.setData(path, 'v2');
    await waitFor(() => data.length === 1);
    expect(data[0]).toEqual({ type: 'changed', path });

    const deletion: ZkWatchEvent[] = [];
    await client.getData(path, (event) => deletion.push(event));
    await writer.delete(path);
    await waitFor(() => deletion.length === 1);
    expect(deletion[0]).toEqual({ type: 'deleted', path });
  });
});

describe('ZkClient auth and ACLs', () => {
  it('digest credentials and a creator-only ACL: others can read but not change the node', async () => {
    const root = uniqueRoot();
    const owner = await ZkClient.connect({
      servers,
      auth: [{ scheme: 'digest', credentials: 'svc:s3cret' }],
      acl: ZkAcls.creatorAllWorldRead(),
    });
    const stranger = await ZkClient.connect({ servers });
    try {
      await owner.ensurePath(root);
      const node = await owner.create(`${root}/guarded`, 'mine');
      const acl = await owner.getAcl(node);
      expect(acl).toContainEqual(
        expect.objectContaining({ scheme: 'digest', auth: expect.stringMatching(/^svc:/) }),
      );
      expect((await stranger.getData(node)).data.toString()).toBe('mine');
      await expect(stranger.setData(node, 'theirs')).rejects.toBeInstanceOf(ZkNoAuthError);
      await owner.setData(node, 'still mine');
    } finally {
      await owner.close();
      await stranger.close();
    }
  });

  it('never shows the credentials in an option error', () => {
    let message = '';
    try {
      new ZkClient({ servers, auth: [{ scheme: 'digest', credentials: 'no-colon-secret' }] });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('auth[0].credentials');
    expect(message).not.toContain('no-colon-secret');
  });
});

describe('ZkClient connect and close', () => {
  it('an unreachable connect string fails within connectTimeoutMs, naming the servers', async () => {
    const started = Date.now();
    const error = await ZkClient.connect({ servers: '127.0.0.1:1', connectTimeoutMs: 800 }).catch(
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(ZkConnectError);
    expect((error as Error).message).toContain('127.0.0.1:1');
    expect((error as Error).message).toContain('800 ms');
    expect(elapsed).toBeGreaterThanOrEqual(750);
    expect(elapsed).toBeLessThan(800 + 2000);
  });

  it('a malformed connect string is rejected before connecting, naming the option', () => {
    expect(() => new ZkClient({ servers: 'localhost' })).toThrow(
      /`servers`.*"localhost" is not host:port/,
    );
    expect(() => new ZkClient({ servers: '' })).toThrow(/`servers`.*empty/);
    expect(() => new ZkClient({ servers, sessionTimeoutMs: -5 })).toThrow(/sessionTimeoutMs/);
  });

  it('close() is idempotent, ends in state closed, and later calls reject with ZkClosedError', async () => {
    const client = await ZkClient.connect({ servers });
    const states: string[] = [];
    client.subscribeState((state) => states.push(state));
    await Promise.all([client.close(), client.close()]);
    await client.close();
    expect(client.state).toBe('closed');
    expect(states).toEqual(['connected', 'closed']);
    await expect(client.getData('/')).rejects.toBeInstanceOf(ZkClosedError);
  });

  it('closing the session removes its ephemeral nodes (no wait for the session timeout)', async () => {
    const root = uniqueRoot();
    const [owner, observer] = await Promise.all([
      ZkClient.connect({ servers }),
      ZkClient.connect({ servers }),
    ]);
    await owner.ensurePath(root);
    const node = await owner.create(`${root}/eph`, '', { mode: 'ephemeral' });
    await owner.close();
    // close() sends the close request without waiting for the answer (the handle is gone after
    // it), so the server applies it a moment later: far below the session timeout.
    await waitFor(async () => (await observer.exists(node)) === null, { timeoutMs: 2000 });
    await observer.close();
  });
});
