import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZkClient, type ZkClientState, type ZkSessionEvent } from '../../lib/client/index.js';
import { FaultProxy, ZooKeeperEnsemble } from '../../lib/testing/index.js';
import { type ProxiedServer, startProxiedServer } from '../support/proxied-server.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const SESSION_MS = 2000;

describe('ZkClient sessions through a fault proxy', () => {
  let proxied: ProxiedServer;
  let proxy: FaultProxy;
  let observer: ZkClient;

  beforeAll(async () => {
    proxied = await startProxiedServer();
    ({ proxy, observer } = proxied);
  });
  afterAll(() => proxied?.stop());

  it('a partition longer than the session: disconnected → expired → connected, a new session that works', async () => {
    const client = await ZkClient.connect({
      servers: proxy.connectString,
      sessionTimeoutMs: SESSION_MS,
    });
    const states: ZkClientState[] = [];
    const sessions: ZkSessionEvent[] = [];
    client.subscribeState((state) => states.push(state));
    client.subscribeSessions((event) => sessions.push(event));
    const root = uniqueRoot();
    await client.ensurePath(root);
    const firstSession = client.sessionId!;
    const ephemeral = await client.create(`${root}/eph`, 'x', { mode: 'ephemeral' });
    const watchEvents: unknown[] = [];
    await client.getChildren(root, (event) => watchEvents.push(event));

    proxy.partition();
    await waitFor(() => client.state === 'disconnected', { timeoutMs: SESSION_MS * 2 });
    // The server expires the session on its own; the ephemeral node goes with it.
    await waitFor(async () => (await observer.exists(ephemeral)) === null, {
      timeoutMs: SESSION_MS * 3,
    });
    // The client learns of the expiry only when it gets through again: nothing drastic before.
    expect(states.at(-1)).toBe('disconnected');
    proxy.heal();
    await waitFor(() => client.state === 'connected', { timeoutMs: 10_000 });

    expect(client.sessionId).not.toBe(firstSession);
    expect(sessions).toEqual([{ sessionId: client.sessionId, previousSessionId: firstSession }]);
    expect(states.slice(states.indexOf('disconnected'))).toEqual([
      'disconnected',
      'expired',
      'connecting',
      'connected',
    ]);
    // The expiry is a session event, never a node event: the old watch is dropped silently (its
    // owner re-reads on the new session), though the ephemeral node under it went away meanwhile.
    expect(watchEvents).toEqual([]);
    expect(client.watcherCount).toBe(0);
    // The new handle works.
    await client.create(`${root}/after`, 'ok', { mode: 'ephemeral' });
    expect((await observer.getData(`${root}/after`)).data.toString()).toBe('ok');
    await client.close();
  });

  it('a protected create whose answer was lost finds its node instead of creating a second one', async () => {
    const client = await ZkClient.connect({
      servers: proxy.connectString,
      sessionTimeoutMs: SESSION_MS * 3,
    });
    const parent = uniqueRoot();
    await client.ensurePath(parent);
    const sessionId = client.sessionId;

    proxy.muteReplies();
    const creating = client.createProtectedEphemeralSequential(parent, 'http://127.0.0.1:1');
    // The server applied the create; its answer is being dropped on the way back.
    await waitFor(async () => (await observer.getChildren(parent)).length === 1);
    proxy.heal();
    const node = await creating;

    const children = await observer.getChildren(parent);
    expect(children).toHaveLength(1);
    expect(node).toBe(`${parent}/${children[0]}`);
    expect(client.sessionId).toBe(sessionId);
    await client.close();
  });

  it('a disconnect shorter than the session keeps the session and its ephemeral nodes', async () => {
    const client = await ZkClient.connect({
      servers: proxy.connectString,
      sessionTimeoutMs: SESSION_MS * 2,
    });
    const sessions: ZkSessionEvent[] = [];
    client.subscribeSessions((event) => sessions.push(event));
    const root = uniqueRoot();
    await client.ensurePath(root);
    const ephemeral = await client.create(`${root}/eph`, 'x', { mode: 'ephemeral' });
    const { stat: before } = await observer.getData(ephemeral);
    const sessionId = client.sessionId;

    const states: string[] = [];
    const stopRecording = client.subscribeState((state) => states.push(state));
    proxy.dropConnections();
    // The reconnect can be faster than any poll: read the recorded transitions.
    await waitFor(() => states.includes('disconnected'));
    await waitFor(() => client.state === 'connected', { timeoutMs: SESSION_MS * 2 });

    stopRecording();
    expect(states).toEqual(['connected', 'disconnected', 'connected']);
    expect(client.sessionId).toBe(sessionId);
    expect(sessions).toEqual([]);
    const { stat: after } = await observer.getData(ephemeral);
    expect(after.czxid).toBe(before.czxid);
    await client.close();
  });
});

describe('ZkClient against a 3-node ensemble', () => {
  let ensemble: ZooKeeperEnsemble;

  beforeAll(async () => {
    ensemble = await ZooKeeperEnsemble.start(3);
  });
  afterAll(() => ensemble?.stop());

  it('killing the server the client is connected to keeps the session', async () => {
    const client = await ZkClient.connect({
      servers: ensemble.connectString,
      sessionTimeoutMs: 6000,
    });
    const root = uniqueRoot();
    await client.ensurePath(root);
    const ephemeral = await client.create(`${root}/eph`, 'x', { mode: 'ephemeral' });
    const sessionId = client.sessionId;
    const connectedTo = await ensemble.serverIndexOfSession(sessionId!);
    // Recorded, not polled: on a busy machine the reconnection can come and go between two polls.
    const states: string[] = [];
    client.subscribeState((state) => states.push(state));

    await ensemble.kill(connectedTo);
    await waitFor(() => states.includes('disconnected') && client.state === 'connected', {
      timeoutMs: 15_000,
    });

    expect(client.sessionId).toBe(sessionId);
    expect(await client.exists(ephemeral)).not.toBeNull();
    await client.close();
    await ensemble.restart(connectedTo);
  });
});
