import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { type ConnectionOptions, connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
 * Opens a ZooKeeper session over TLS by hand, with node:tls and the jute frames only (no
 * ZooKeeper client library), closes it again and returns its id. Rejects when the handshake
 * fails, the server hangs up or nothing comes back within ANSWER_TIMEOUT_MS.
 */
async function openSessionOverTls(options: ConnectionOptions): Promise<bigint> {
  const socket = connect(options);
  const frames = frameReader(socket);
  const timer = setTimeout(
    () => socket.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)),
    ANSWER_TIMEOUT_MS,
  );
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    socket.write(connectRequest());
    const response = await frames.next();
    // protocolVersion int32, timeOut int32, sessionId int64, passwd (int32 length + bytes).
    const sessionId = response.readBigInt64BE(8);
    if (sessionId !== 0n) {
      socket.write(closeSessionRequest());
      const err = (await frames.next()).readInt32BE(12); // ReplyHeader { xid, zxid, err }
      if (err !== 0) throw new Error(`closeSession failed with error ${err}`);
    }
    return sessionId;
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

/** protocolVersion 0, lastZxidSeen 0, timeOut 4000, sessionId 0, 16 zero passwd bytes, readOnly 0. */
function connectRequest(): Buffer {
  const body = Buffer.alloc(4 + 8 + 4 + 8 + 4 + 16 + 1);
  body.writeInt32BE(4_000, 12);
  body.writeInt32BE(16, 24);
  return withLength(body);
}

/** RequestHeader { xid: 1, type: closeSession (-11) }. */
function closeSessionRequest(): Buffer {
  const body = Buffer.alloc(8);
  body.writeInt32BE(1, 0);
  body.writeInt32BE(-11, 4);
  return withLength(body);
}

function withLength(body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length, 0);
  return Buffer.concat([length, body]);
}

/** Splits a stream's bytes into ZooKeeper's length-prefixed frames. */
function frameReader(stream: Duplex): { next(): Promise<Buffer> } {
  let buffered = Buffer.alloc(0);
  const frames: Buffer[] = [];
  const waiting: Array<{ resolve(frame: Buffer): void; reject(error: Error): void }> = [];
  let failure: Error | undefined;
  stream.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
      const end = 4 + buffered.readInt32BE(0);
      const frame = buffered.subarray(4, end);
      buffered = buffered.subarray(end);
      const waiter = waiting.shift();
      if (waiter) waiter.resolve(frame);
      else frames.push(frame);
    }
  });
  const fail = (error: Error): void => {
    failure ??= error;
    for (const waiter of waiting.splice(0)) waiter.reject(failure);
  };
  stream.on('error', fail);
  stream.on('close', () => fail(new Error('connection closed before the answer')));
  return {
    next: () => {
      const frame = frames.shift();
      if (frame) return Promise.resolve(frame);
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
  };
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

  const secure = (): ConnectionOptions => ({
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
