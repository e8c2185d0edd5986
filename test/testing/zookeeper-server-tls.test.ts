import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAndCloseSession } from '../../lib/client/serving-probe.js';
import type { ZkTlsOptions } from '../../lib/client/zk-client.options.js';
import {
  createTestCertificates,
  findZooKeeperInstall,
  type TestCertificates,
  ZooKeeperNotInstalledError,
  ZooKeeperServer,
  ZooKeeperStartError,
} from '../../lib/testing/index.js';

const ANSWER_TIMEOUT_MS = 5_000;

/**
 * Opens a ZooKeeper session over TLS with the client's own probe (a ConnectRequest on a connection
 * of its own, no session kept), closes it again and returns its id. Rejects when the handshake
 * fails, the server hangs up or nothing comes back within ANSWER_TIMEOUT_MS.
 */
function openSessionOverTls({
  host,
  port,
  ...tls
}: { host: string; port: number } & ZkTlsOptions): Promise<bigint> {
  return openAndCloseSession({ host, port }, ANSWER_TIMEOUT_MS, tls);
}

describe('ZooKeeperServer with tls', () => {
  let server: ZooKeeperServer;
  /** Certificates of a CA the server has never heard of. */
  let stranger: TestCertificates;
  let strangerDir: string;
  beforeAll(async () => {
    strangerDir = await mkdtemp(join(tmpdir(), 'zk-tls-stranger-'));
    [server, stranger] = await Promise.all([
      ZooKeeperServer.start({ tls: true }),
      createTestCertificates(strangerDir),
    ]);
  });
  afterAll(async () => {
    await server?.stop();
    await rm(strangerDir, { recursive: true, force: true });
  });

  const secure = (): { host: string; port: number } & ZkTlsOptions => ({
    host: server.host,
    port: server.securePort,
    ...server.tls,
  });

  it('serves TLS on a second loopback port and keeps the plain one', async () => {
    expect(server.securePort).not.toBe(server.port);
    expect(server.secureConnectString).toBe(`127.0.0.1:${server.securePort}`);
    expect(await server.fourLetter('ruok')).toBe('imok');
    expect(server.tls.servername).toBe('localhost');
    expect(server.tls.ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(server.tls.cert).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(server.tls.key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const cfg = await readFile(join(server.dataDir, 'conf', 'zoo.cfg'), 'utf8');
    expect(cfg).toMatch(new RegExp(`^secureClientPort=${server.securePort}$`, 'm'));
    expect(cfg).toMatch(/^ssl\.clientAuth=need$/m);
    expect(existsSync(join(server.dataDir, 'tls', 'server.pem'))).toBe(true);
  });

  it('grants a session to a client with the client certificate that trusts the CA', async () => {
    expect(await openSessionOverTls(secure())).toBeGreaterThan(0n);
  });

  it('refuses a handshake without a client certificate (clientAuth need)', async () => {
    const { cert: _cert, key: _key, ...withoutCertificate } = secure();
    await expect(openSessionOverTls(withoutCertificate)).rejects.toThrow(/certificate/i);
  });

  it('refuses a client certificate signed by another CA', async () => {
    const foreign = { ...secure(), cert: stranger.client.cert, key: stranger.client.key };
    await expect(openSessionOverTls(foreign)).rejects.toThrow(/certificate|unknown ca/i);
  });

  it('is refused by a client that does not trust its CA', async () => {
    for (const ca of [undefined, stranger.client.ca]) {
      await expect(openSessionOverTls({ ...secure(), ca })).rejects.toMatchObject({
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      });
    }
  });

  it('serves TLS on the same secure port after a restart', async () => {
    const { port, securePort } = server;
    await server.kill();
    await server.restart();
    expect(server.port).toBe(port);
    expect(server.securePort).toBe(securePort);
    expect(await openSessionOverTls(secure())).toBeGreaterThan(0n);
  });
});

describe("ZooKeeperServer with tls: { clientAuth: 'want' }", () => {
  let server: ZooKeeperServer;
  beforeAll(async () => {
    server = await ZooKeeperServer.start({ tls: { clientAuth: 'want' } });
  });
  afterAll(() => server?.stop());

  it('grants a session to a client without a certificate', async () => {
    const { cert: _cert, key: _key, ...withoutCertificate } = server.tls;
    const options = { host: server.host, port: server.securePort, ...withoutCertificate };
    expect(await openSessionOverTls(options)).toBeGreaterThan(0n);
  });
});

describe('ZooKeeperServer.start with tls, on a classpath without netty-codec', () => {
  it('gives up at the deadline with the log tail naming the missing class', async () => {
    // Debian's zookeeper.jar manifest leaves netty-codec out and the kit adds it: without it the
    // Netty connection factory (the only one serving TLS) drops every connection on both ports.
    const install = findZooKeeperInstall();
    const withoutCodec = install.classpath.filter((entry) => !entry.endsWith('netty-codec.jar'));
    expect(withoutCodec).not.toEqual(install.classpath);
    const error = await ZooKeeperServer.start({
      tls: true,
      install: { ...install, classpath: withoutCodec },
      startTimeoutMs: 6_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZooKeeperStartError);
    expect((error as Error).message).toMatch(/did not serve within 6000 ms/);
    expect((error as ZooKeeperStartError).logTail).toMatch(/ByteToMessageDecoder/);
  });
});

describe('createTestCertificates', () => {
  it('names the package to install when there is no openssl', async () => {
    const dir = join(tmpdir(), `zk-tls-no-openssl-${process.pid}`);
    const error = await createTestCertificates(dir, { PATH: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZooKeeperNotInstalledError);
    expect(error).toMatchObject({ missing: 'openssl' });
    expect((error as Error).message).toMatch(/apt-get install -y openssl/);
    expect(existsSync(dir)).toBe(false);
  });
});
