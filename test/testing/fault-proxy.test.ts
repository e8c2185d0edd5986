import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { FaultProxy, fourLetterWord } from '../../lib/testing/index.js';
import { EchoServer } from '../support/echo-server.js';
import { TestClient } from '../support/test-client.js';
import { waitFor } from '../support/wait-for.js';

/** Absence of an event can only be observed over a window; keep it short and bounded. */
const SILENCE_WINDOW_MS = 200;

describe('FaultProxy', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(): Promise<{ echo: EchoServer; proxy: FaultProxy }> {
    const echo = await EchoServer.start();
    cleanups.push(() => echo.close());
    const proxy = await FaultProxy.start(echo.target);
    cleanups.push(() => proxy.close());
    return { echo, proxy };
  }

  async function connectTo(proxy: FaultProxy): Promise<TestClient> {
    const client = await TestClient.connect(proxy.port);
    cleanups.push(() => client.destroy());
    return client;
  }

  it('forwards bytes in both directions on its own loopback port', async () => {
    const { echo, proxy } = await setUp();
    expect(proxy.connectString).toBe(`127.0.0.1:${proxy.port}`);
    expect(proxy.port).not.toBe(echo.port);
    const client = await connectTo(proxy);

    await client.roundTrip('hello');
    echo.push('|from-server');
    await waitFor(() => client.received === 'hello|from-server');
    expect(proxy.connectionCount).toBe(1);
    expect(echo.accepted).toBe(1);
  });

  it('counts the bytes it forwards, each way, and not those a fault drops', async () => {
    const { echo, proxy } = await setUp();
    expect(proxy.forwardedBytes).toEqual({ toTarget: 0, fromTarget: 0 });
    const client = await connectTo(proxy);

    await client.roundTrip('hello'); // 5 bytes there, echoed back
    echo.push('|from-server'); // 12 more from the target alone
    await waitFor(() => client.received === 'hello|from-server');
    expect(proxy.forwardedBytes).toEqual({ toTarget: 5, fromTarget: 17 });

    proxy.partition();
    client.socket.write('lost');
    echo.push('also-lost');
    await waitFor(() => proxy.droppedBytes === 4 + 9);
    expect(proxy.forwardedBytes).toEqual({ toTarget: 5, fromTarget: 17 });
  });

  it('partition() stops forwarding both ways without closing either socket', async () => {
    const { echo, proxy } = await setUp();
    const client = await connectTo(proxy);
    await client.roundTrip('before');
    const receivedByServer = echo.receivedBytes;

    proxy.partition();
    expect(proxy.isPartitioned).toBe(true);
    client.socket.write('lost');
    await waitFor(() => proxy.droppedBytes === 4);
    echo.push('also-lost');
    await waitFor(() => proxy.droppedBytes === 4 + 9);

    expect(echo.receivedBytes).toBe(receivedByServer);
    expect(client.received).toBe('before');
    expect(client.closed).toBe(false);
    expect(echo.sockets.size).toBe(1);
    expect(proxy.connectionCount).toBe(1);
  });

  it('partition() does not pass a hang-up from either side to the other', async () => {
    const { echo, proxy } = await setUp();
    const quitter = await connectTo(proxy);
    await quitter.roundTrip('x');
    const client = await connectTo(proxy);
    await client.roundTrip('y');
    expect(echo.sockets.size).toBe(2);

    proxy.partition();
    echo.hangUpAll(); // the server closes both of its connections
    quitter.destroy(); // and one client gives up on its own
    await waitFor(() => echo.sockets.size === 0);
    await delay(SILENCE_WINDOW_MS);

    expect(client.closed).toBe(false);
    expect(proxy.connectionCount).toBe(1);
  });

  it('blackholes connections accepted while partitioned: accepted, read, never forwarded', async () => {
    const { echo, proxy } = await setUp();
    proxy.partition();

    const client = await connectTo(proxy);
    client.socket.write('into the void');
    await waitFor(() => proxy.droppedBytes === 13);

    expect(echo.accepted).toBe(0);
    expect(client.closed).toBe(false);
    expect(proxy.connectionCount).toBe(1);
  });

  it('heal() destroys every connection that lived through the partition and forwards new ones', async () => {
    const { echo, proxy } = await setUp();
    const before = await connectTo(proxy);
    await before.roundTrip('a');
    proxy.partition();
    const blackholed = await connectTo(proxy);

    proxy.heal();
    expect(proxy.isPartitioned).toBe(false);
    await before.waitClosed();
    await blackholed.waitClosed();
    await waitFor(() => echo.sockets.size === 0);

    const after = await connectTo(proxy);
    await after.roundTrip('works again');
    expect(proxy.connectionCount).toBe(1);
  });

  it('dropConnections() closes every current connection and keeps accepting new ones', async () => {
    const { echo, proxy } = await setUp();
    const first = await connectTo(proxy);
    const second = await connectTo(proxy);
    await first.roundTrip('1');
    await second.roundTrip('2');
    expect(proxy.connectionCount).toBe(2);

    proxy.dropConnections();
    await first.waitClosed();
    await second.waitClosed();
    await waitFor(() => echo.sockets.size === 0);
    expect(proxy.connectionCount).toBe(0);

    const third = await connectTo(proxy);
    await third.roundTrip('3');
  });

  it('close() destroys every connection and stops listening', async () => {
    const { proxy } = await setUp();
    const client = await connectTo(proxy);
    await client.roundTrip('bye');

    await proxy.close();
    await client.waitClosed();
    await expect(TestClient.connect(proxy.port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('forEach() starts one proxy per target, e.g. per ensemble member', async () => {
    const targets = [await EchoServer.start(), await EchoServer.start()];
    cleanups.push(() => Promise.all(targets.map((t) => t.close())).then(() => {}));
    const proxies = await FaultProxy.forEach(targets.map((t) => t.target));
    cleanups.push(() => Promise.all(proxies.map((p) => p.close())).then(() => {}));

    expect(proxies.map((p) => p.target.port)).toEqual(targets.map((t) => t.port));
    for (const proxy of proxies) await (await connectTo(proxy)).roundTrip('hi');
    expect(targets.map((t) => t.accepted)).toEqual([1, 1]);
  });

  it('carries ZooKeeper traffic: a four-letter word through the proxy', async () => {
    const [host, port] = inject('zkConnect').split(',')[0]!.split(':');
    const proxy = await FaultProxy.start({ host: host!, port: Number(port) });
    cleanups.push(() => proxy.close());
    expect(await fourLetterWord('127.0.0.1', proxy.port, 'ruok')).toBe('imok');
  });
});
