import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ZkClient,
  ZkConnectError,
  ZkConnectionRefusedError,
  ZkHostNotFoundError,
} from '../../lib/client/index.js';
import { freePort } from '../../lib/testing/index.js';
import { RecordingLogger } from '../support/fixed-instance-source.js';
import { waitFor } from '../support/wait-for.js';

/** A TCP server that accepts connections and never says a word (a wrong port, a hung server). */
async function silentServer(): Promise<{ address: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('ZkClient.connect says why no session came', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('a host that does not resolve: ZkHostNotFoundError at once, not after connectTimeoutMs', async () => {
    const started = Date.now();
    const error = await ZkClient.connect({
      servers: 'nohost.invalid:2181',
      connectTimeoutMs: 60_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZkHostNotFoundError);
    expect(error).toBeInstanceOf(ZkConnectError);
    expect((error as ZkHostNotFoundError).failure).toBe('host-not-found');
    expect((error as Error).message).toBe(
      'Cannot connect to ZooKeeper: no host of "nohost.invalid:2181" resolves (nohost.invalid ' +
        "does not resolve (ENOTFOUND)). Check the host names in the `servers` option and this host's DNS.",
    );
    // Well before the 60 s: the rejection did not wait for the connect timeout.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('nothing listening: ZkConnectionRefusedError naming the server', async () => {
    const nobody = `127.0.0.1:${await freePort()}`;
    const error = await ZkClient.connect({ servers: nobody, connectTimeoutMs: 300 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ZkConnectionRefusedError);
    expect((error as ZkConnectionRefusedError).diagnoses).toEqual([
      {
        server: nobody,
        problem: 'connection-refused',
        detail: `${nobody} refused the connection (nothing listens there)`,
      },
    ]);
    expect((error as Error).message).toContain(
      `every server of "${nobody}" refused the connection`,
    );
  });

  it('a server that accepts and never answers: a timeout, saying so per server', async () => {
    const silent = await silentServer();
    cleanups.push(silent.close);
    const nobody = `127.0.0.1:${await freePort()}`;
    const servers = `${silent.address},${nobody}`;
    const error = await ZkClient.connect({ servers, connectTimeoutMs: 300 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ZkConnectError);
    expect(error).not.toBeInstanceOf(ZkConnectionRefusedError);
    expect((error as ZkConnectError).failure).toBe('timeout');
    expect((error as ZkConnectError).diagnoses.map((d) => d.problem)).toEqual([
      'no-answer',
      'connection-refused',
    ]);
    expect((error as Error).message).toContain(
      `no server of "${servers}" established a session within 300 ms (no answer from ${silent.address} within 1000 ms; ${nobody} refused the connection (nothing listens there))`,
    );
  });

  it('started in the background: warns after connectTimeoutMs naming the servers, then less and less often', async () => {
    const logger = new RecordingLogger();
    const nobody = `127.0.0.1:${await freePort()}`;
    const client = new ZkClient({ servers: nobody, connectTimeoutMs: 200, logger });
    cleanups.push(() => client.close());
    client.start();
    const warning = `with "${nobody}" (${nobody} refused the connection (nothing listens there)); still trying in the background`;
    // At 200 ms, then 400 ms later, then 800 ms later.
    await waitFor(() => logger.matching(warning).length >= 3, { timeoutMs: 10_000 });
    const times = logger.lines.filter((line) => line.message.includes(warning));
    expect(times.every((line) => line.level === 'warn')).toBe(true);
    expect(logger.matching('No ZooKeeper session after')).toHaveLength(
      logger.matching(warning).length,
    );
  });
});
