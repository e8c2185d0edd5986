import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAndCloseSession } from '../../lib/client/serving-probe.js';
import { ZooKeeperServer, ZooKeeperStartError } from '../../lib/testing/index.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('ZooKeeperServer', () => {
  describe('a started server', () => {
    let server: ZooKeeperServer;
    beforeAll(async () => {
      server = await ZooKeeperServer.start();
    });
    afterAll(() => server?.stop());

    it('listens on a loopback port and answers ruok with imok', async () => {
      expect(server.host).toBe('127.0.0.1');
      expect(server.connectString).toBe(`127.0.0.1:${server.port}`);
      expect(await server.fourLetter('ruok')).toBe('imok');
    });

    it('reports standalone mode in srvr and answers the other four-letter words', async () => {
      expect(await server.mode()).toBe('standalone');
      expect(await server.fourLetter('mntr')).toMatch(/^zk_server_state\tstandalone$/m);
      expect(await server.fourLetter('wchs')).toMatch(/watching 0 paths/);
      expect(await server.fourLetter('cons')).toMatch(/127\.0\.0\.1/);
    });

    it('writes its logs to files in its data dir, nothing to the terminal', () => {
      expect(server.logFile.startsWith(server.dataDir)).toBe(true);
      expect(existsSync(server.logFile)).toBe(true);
      expect(existsSync(server.jvmOutputFile)).toBe(true);
    });

    it('has no TLS port unless started with tls, and says how to get one', () => {
      expect(() => server.securePort).toThrow(/started without TLS.*\{ tls: true \}/);
      expect(() => server.tls).toThrow(/has no tls/);
    });
  });

  it('stop() ends the JVM by pid and removes the data dir it created', async () => {
    const server = await ZooKeeperServer.start();
    const { pid, dataDir } = server;
    expect(isAlive(pid)).toBe(true);
    await server.stop();
    expect(isAlive(pid)).toBe(false);
    expect(server.running).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
    await server.stop(); // idempotent
  });

  it('stop() keeps a data dir given by the caller', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'zk-testing-given-'));
    try {
      const server = await ZooKeeperServer.start({ dataDir });
      await server.stop();
      expect(existsSync(join(dataDir, 'version-2'))).toBe(true);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('restart() after kill() serves on the same port with the same data', async () => {
    const server = await ZooKeeperServer.start();
    try {
      const sessionId = await openAndCloseSession(server);
      expect(sessionId).toBeGreaterThan(0n);
      const before = (await server.srvr()).zxid!;
      expect(before).toBeGreaterThan(0n);
      const { port, pid } = server;

      await server.kill();
      expect(isAlive(pid)).toBe(false);
      await expect(server.fourLetter('ruok', { timeoutMs: 500 })).rejects.toThrow(/ECONNREFUSED/);

      await server.restart();
      expect(server.port).toBe(port);
      expect(server.pid).not.toBe(pid);
      expect(await server.fourLetter('ruok')).toBe('imok');
      expect((await server.srvr()).zxid!).toBeGreaterThanOrEqual(before);
    } finally {
      await server.stop();
    }
  });

  it('restart() refuses once stop() has removed the data', async () => {
    const server = await ZooKeeperServer.start();
    await server.stop();
    await expect(server.restart()).rejects.toThrow(/stop\(\) removed its data dir/);
  });

  it('start() rejects with the log tail when the JVM exits early (port taken)', async () => {
    // Holds the port; hangs up on anything that connects, so the close below cannot hang.
    const squatter: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const address = squatter.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const error = await ZooKeeperServer.start({ port }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ZooKeeperStartError);
      expect((error as ZooKeeperStartError).portInUse).toBe(true);
      expect((error as Error).message).toMatch(/exited .* before serving/);
      expect((error as Error).message).toMatch(/Address already in use/);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
