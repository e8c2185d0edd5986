import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { Instancer } from '../../lib/sd/instancer/instancer.js';
import { Registrar } from '../../lib/sd/registrar/registrar.js';
import type { InstancerSnapshot } from '../../lib/sd/service-instance.js';
import { FaultProxy } from '../../lib/testing/index.js';
import { type ProxiedServer, startProxiedServer } from '../support/proxied-server.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const SESSION_MS = 2000;
const quiet = { log: () => {}, warn: () => {}, error: () => {} };

describe('discovery under faults (real server, fault proxy)', () => {
  let proxied: ProxiedServer;
  let proxy: FaultProxy;
  let observer: ZkClient;

  beforeAll(async () => {
    proxied = await startProxiedServer();
    ({ proxy, observer } = proxied);
  });
  afterAll(() => proxied?.stop());

  it('go-kit defect 4: after a session expiry the instance registers again, once', async () => {
    const root = uniqueRoot();
    const client = await ZkClient.connect({
      servers: proxy.connectString,
      sessionTimeoutMs: SESSION_MS,
    });
    const registrar = new Registrar(
      client,
      { path: root, name: 'svc', data: 'http://127.0.0.1:7000' },
      { logger: quiet },
    );
    const first = await registrar.register();

    proxy.partition();
    await waitFor(async () => (await observer.exists(first)) === null, {
      timeoutMs: SESSION_MS * 3,
    });
    proxy.heal();
    await waitFor(() => registrar.state === 'registered' && registrar.nodePath !== first, {
      timeoutMs: 10_000,
    });

    const children = await observer.getChildren(`${root}/svc`);
    expect(children).toHaveLength(1);
    expect(`${root}/svc/${children[0]}`).toBe(registrar.nodePath);
    const { data, stat } = await observer.getData(registrar.nodePath!);
    expect(data.toString()).toBe('http://127.0.0.1:7000');
    expect(stat.ephemeralOwner).toBe(client.sessionId);
    await registrar.deregister();
    await client.close();
  });

  it('go-kit defect 3: an outage produces a stale snapshot that keeps the last instances, then resyncs', async () => {
    const root = uniqueRoot();
    const path = `${root}/svc`;
    await observer.ensurePath(path);
    await observer.create(`${path}/i1`, 'http://127.0.0.1:1', { mode: 'ephemeral' });
    const client = await ZkClient.connect({
      servers: proxy.connectString,
      sessionTimeoutMs: SESSION_MS,
    });
    const instancer = new Instancer(client, path, { logger: quiet });
    const seen: InstancerSnapshot[] = [];
    instancer.subscribe((snapshot) => seen.push(snapshot));
    await waitFor(() => instancer.snapshot?.instances.length === 1);

    const sessionId = BigInt(`0x${client.sessionId}`);
    proxy.partition();
    await waitFor(() => instancer.snapshot?.stale === true, { timeoutMs: SESSION_MS * 2 });
    expect(instancer.snapshot!.instances.map((i) => i.id)).toEqual(['i1']);
    // A change during the outage, seen once the session is back (a new one: the old expired).
    await observer.create(`${path}/i2`, 'http://127.0.0.1:2', { mode: 'ephemeral' });
    // The server expires the session (the client learns it on its way back in).
    await waitFor(async () => !(await proxied.server.connectedSessionIds()).includes(sessionId), {
      timeoutMs: SESSION_MS * 3,
    });
    proxy.heal();
    await waitFor(
      () => instancer.snapshot?.stale === false && instancer.snapshot.instances.length === 2,
      {
        timeoutMs: 10_000,
      },
    );
    expect(seen.some((snapshot) => snapshot.stale && snapshot.instances.length === 1)).toBe(true);
    // Not fresh before the new session was read: the first fresh snapshot after the outage
    // already holds the change made meanwhile.
    const recovered = seen.findIndex(
      (snapshot, i) => i > 0 && !snapshot.stale && seen[i - 1]!.stale,
    );
    expect(seen[recovered]!.instances.map((i) => i.id)).toEqual(['i1', 'i2']);
    instancer.close();
    await client.close();
  });

  it('a reconnect within the session: the node keeps its creation zxid, watchers see no change', async () => {
    const root = uniqueRoot();
    const client = await ZkClient.connect({
      servers: proxy.connectString,
      sessionTimeoutMs: SESSION_MS * 3,
    });
    const registrar = new Registrar(
      client,
      { path: root, name: 'svc', data: 'http://127.0.0.1:7001' },
      { logger: quiet },
    );
    const node = await registrar.register();
    const { stat: before } = await observer.getData(node);
    const instancer = new Instancer(observer, `${root}/svc`, { logger: quiet });
    await waitFor(() => instancer.snapshot?.instances.length === 1);
    const instanceSets: string[][] = [];
    instancer.subscribe((snapshot) => instanceSets.push(snapshot.instances.map((i) => i.id)));
    const sessionId = client.sessionId;

    const states: string[] = [];
    const stopRecording = client.subscribeState((state) => states.push(state));
    proxy.dropConnections();
    // The reconnect can be faster than any poll: read the recorded transitions.
    await waitFor(() => states.includes('disconnected'));
    await waitFor(() => client.state === 'connected', { timeoutMs: SESSION_MS * 3 });

    stopRecording();
    expect(states).toEqual(['connected', 'disconnected', 'connected']);
    expect(client.sessionId).toBe(sessionId);
    expect(registrar.nodePath).toBe(node);
    const { stat: after } = await observer.getData(node);
    expect(after.czxid).toBe(before.czxid);
    expect(await observer.getChildren(`${root}/svc`)).toHaveLength(1);
    expect(new Set(instanceSets.map((ids) => ids.join()))).toEqual(
      new Set([node.split('/').pop()]),
    );
    instancer.close();
    await registrar.deregister();
    await client.close();
  });
});
