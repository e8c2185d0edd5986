import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ZkClient,
  type ZkLogger,
  type ZkSessionEvent,
  ZkTimeoutError,
} from '../../lib/client/index.js';
import { countInheritableSockets } from '../../lib/client/native-cloexec.js';
import { ZooKeeperServer } from '../../lib/testing/index.js';
import { type ChildScript, startChildScript } from '../support/child-script.js';
import { compileLib, repoRoot } from '../support/compiled-lib.js';
import { type ProxiedServer, startProxiedServer } from '../support/proxied-server.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

function recordingLogger(): ZkLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, log: () => {}, warn: (line) => warnings.push(line), error: () => {} };
}

describe('a client is never stuck once ZooKeeper is back', () => {
  let proxied: ProxiedServer;
  let dist: string;
  const children: ChildScript[] = [];

  beforeAll(async () => {
    proxied = await startProxiedServer();
    dist = compileLib(join(repoRoot, '.build', 'never-stuck'));
  });
  afterAll(async () => {
    for (const child of children) child.kill();
    await proxied?.stop();
  });

  it('our install builds the native client with close-on-exec: its socket is not inherited', async () => {
    const client = await ZkClient.connect({ servers: proxied.server.connectString });
    try {
      const ports = new Set([proxied.server.port]);
      // Read from /proc: Linux only (the CI's system); elsewhere the check cannot tell.
      expect(countInheritableSockets(ports)).toBe(process.platform === 'linux' ? 0 : undefined);
    } finally {
      await client.close();
    }
  });

  it('a child process started after connecting does not keep the client from reconnecting', async () => {
    const sessionMs = 6_000;
    const client = await ZkClient.connect({
      servers: proxied.proxy.connectString,
      sessionTimeoutMs: sessionMs,
      logger: recordingLogger(),
    });
    // A child that outlives the connection, as a JVM, a worker or `exec` would.
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const session = client.sessionId;
      const states: string[] = [];
      client.subscribeState((state) => states.push(state));
      proxied.proxy.dropConnections();
      await waitFor(() => states.includes('disconnected') && client.state === 'connected', {
        timeoutMs: sessionMs,
      });
      // The native handle came back by itself, in the same session: nothing had to be given up.
      expect(client.sessionId).toBe(session);
      expect(await client.exists('/')).not.toBeNull();
    } finally {
      child.kill('SIGKILL');
      await client.close();
    }
  });

  it('a server that comes back with an empty database: a new session within the session timeout plus a few seconds', async () => {
    const sessionMs = 4_000;
    const server = await ZooKeeperServer.start();
    const logger = recordingLogger();
    const client = await ZkClient.connect({
      servers: server.connectString,
      sessionTimeoutMs: sessionMs,
      logger,
    });
    try {
      const sessions: ZkSessionEvent[] = [];
      client.subscribeSessions((event) => sessions.push(event));
      const root = uniqueRoot('wiped');
      await client.ensurePath(root);
      for (let i = 0; i < 10; i++)
        await client.create(`${root}/n`, 'x', { mode: 'persistent-sequential' });
      const first = client.sessionId;

      await server.kill();
      // Rebuilt, or restored from an old backup: it refuses a client that has seen newer
      // transactions, so the native handle alone would retry for ever.
      await server.restart({ emptyData: true });
      await waitFor(() => client.state === 'connected' && client.sessionId !== first, {
        timeoutMs: sessionMs + 4_000,
      });

      expect(sessions).toEqual([{ sessionId: client.sessionId, previousSessionId: first }]);
      expect(
        logger.warnings.some((line) =>
          /given up \(no connection for .* grants new sessions/.test(line),
        ),
      ).toBe(true);
      await client.ensurePath(root);
      expect(await client.getChildren(root)).toEqual([]);
    } finally {
      await client.close();
      await server.stop();
    }
  });

  it('a process resumed after a pause longer than its session is registered again within about a second', async () => {
    // Without the pause detector the native client notices at its next connection attempt, a
    // third of the session timeout (3 s) after resuming.
    const sessionMs = 9_000;
    const path = uniqueRoot('paused');
    const child = startChildScript('paused-registrant.mjs', [
      dist,
      proxied.server.connectString,
      String(sessionMs),
      path,
    ]);
    children.push(child);
    const firstNode = (await child.line(/^READY /)).slice('READY '.length);

    child.process.kill('SIGSTOP');
    const stoppedAt = Date.now();
    // The server expires the paused process's session: its node goes.
    await waitFor(async () => (await proxied.observer.exists(firstNode)) === null, {
      timeoutMs: sessionMs * 3,
    });
    // The pause is the experiment's parameter: hold it 2 s past the session timeout.
    await delay(Math.max(0, stoppedAt + sessionMs + 2_000 - Date.now()));
    child.process.kill('SIGCONT');
    const registered = () => child.stdout.filter((line) => line.startsWith('REGISTERED '));
    await waitFor(() => registered().length >= 2, {
      timeoutMs: 2_000,
      message: `a second registration after resuming (${child.stderr.join(' | ')})`,
    });
    const secondNode = registered()[1]!.slice('REGISTERED '.length);
    expect(secondNode).not.toBe(firstNode);
    expect(await proxied.observer.exists(secondNode)).not.toBeNull();
  });

  it('a request the server never answers fails at its deadline, and so does the next one', async () => {
    const client = await ZkClient.connect({
      servers: proxied.proxy.connectString,
      sessionTimeoutMs: 30_000,
      operationTimeoutMs: 400,
      logger: recordingLogger(),
    });
    try {
      proxied.proxy.muteReplies();
      const first = client.getData('/zookeeper');
      const second = client.exists('/zookeeper');
      await expect(first).rejects.toBeInstanceOf(ZkTimeoutError);
      await expect(second).rejects.toBeInstanceOf(ZkTimeoutError);
      // After the queue went idle, a new request gets a deadline of its own.
      await expect(client.getChildren('/')).rejects.toThrow(
        /getChildren \/ failed: no answer within 400 ms/,
      );
    } finally {
      proxied.proxy.heal();
      await client.close();
    }
  });

  it('a script waiting on a request is not closed as idle before the request ends', async () => {
    const child = startChildScript('waiting-client.mjs', [
      dist,
      proxied.proxy.connectString,
      '/zookeeper',
      '2500',
    ]);
    children.push(child);
    try {
      await child.line(/^READY$/);
      proxied.proxy.muteReplies();
      child.process.kill('SIGUSR2');
      // Idle means nothing but the session keeps the process alive: the request in flight does.
      expect(await child.line(/^(ANSWERED|FAILED .*)$/, 10_000)).toBe('FAILED ZkTimeoutError');
      expect(await child.exited(10_000)).toBe(0);
    } finally {
      proxied.proxy.heal();
    }
  });

  it('a script that never calls close() exits by itself, and its session closes at once', async () => {
    const node = `${uniqueRoot('idle')}-ephemeral`;
    const child = startChildScript('idle-client.mjs', [dist, proxied.server.connectString, node]);
    children.push(child);
    await child.line(/^READY$/);
    expect(await child.exited(5_000)).toBe(0);
    // Closed, not abandoned: the ephemeral node went with the process, not a session timeout later.
    expect(await proxied.observer.exists(node)).toBeNull();
  });
});
