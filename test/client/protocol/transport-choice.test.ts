import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ZK_TRANSPORT_ENV,
  ZkClient,
  ZkConnectError,
  ZkUnsupportedError,
} from '../../../lib/client/index.js';
import { ZooKeeperServer } from '../../../lib/testing/index.js';
import { uniqueRoot } from '../../support/unique-root.js';

const servers = inject('zkConnect');

describe('choosing a transport', () => {
  it('the native transport refuses what only the protocol transport can do, naming the fix', async () => {
    const native = await ZkClient.connect({ servers, transport: 'native' });
    try {
      expect(native.transport).toBe('native');
      const root = uniqueRoot('native-limits');
      const refusals = [
        native.multi([{ type: 'create', path: root }]),
        native.addWatch(root, 'persistentRecursive', () => {}),
        native.getEphemerals(),
        native.whoAmI(),
        native.create(root, '', { mode: 'persistent-ttl', ttlMs: 1000 }),
      ];
      for (const refusal of refusals) {
        const error = await refusal.catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ZkUnsupportedError);
        expect((error as Error).message).toContain("transport: 'protocol'");
      }
      // Nothing was sent, nothing was left behind.
      expect(await native.exists(root)).toBeNull();
      expect(native.persistentWatcherCount).toBe(0);
    } finally {
      await native.close();
    }
  });

  it('options only the protocol transport has are refused with the native one', () => {
    expect(() => new ZkClient({ servers, transport: 'native', tls: {} })).toThrow(
      /`tls` needs transport: 'protocol'/,
    );
    expect(() => new ZkClient({ servers, transport: 'native', allowReadOnly: true })).toThrow(
      /`allowReadOnly` needs transport: 'protocol'/,
    );
  });

  it('an unknown transport, in the option or in the environment, is an error naming where it came from', () => {
    expect(() => new ZkClient({ servers, transport: 'grpc' as never })).toThrow(
      /Invalid ZooKeeper transport "grpc" in the `transport` option/,
    );
    const before = process.env[ZK_TRANSPORT_ENV];
    process.env[ZK_TRANSPORT_ENV] = 'c';
    try {
      expect(() => new ZkClient({ servers })).toThrow(
        new RegExp(
          `Invalid ZooKeeper transport "c" in the ${ZK_TRANSPORT_ENV} environment variable`,
        ),
      );
      // The option wins over the environment.
      expect(new ZkClient({ servers, transport: 'protocol' }).transport).toBe('protocol');
    } finally {
      if (before === undefined) delete process.env[ZK_TRANSPORT_ENV];
      else process.env[ZK_TRANSPORT_ENV] = before;
    }
  });
});

describe('TLS to a secureClientPort (a server with a throwaway CA)', () => {
  let zookeeper: ZooKeeperServer;
  beforeAll(async () => {
    zookeeper = await ZooKeeperServer.start({ tls: true });
  });
  afterAll(() => zookeeper?.stop());

  it('connects with the CA and a client certificate, and works as over TCP', async () => {
    const client = await ZkClient.connect({
      servers: zookeeper.secureConnectString,
      tls: zookeeper.tls,
    });
    try {
      const root = uniqueRoot('tls');
      await client.ensurePath(root);
      const node = await client.createProtectedEphemeralSequential(root, 'over tls');
      expect((await client.getData(node)).data.toString()).toBe('over tls');
      // A plain client of the same server sees what the TLS client wrote.
      const plain = await ZkClient.connect({ servers: zookeeper.connectString });
      try {
        expect(await plain.getChildren(root)).toHaveLength(1);
      } finally {
        await plain.close();
      }
    } finally {
      await client.close();
    }
  });

  it('without the CA, or without a client certificate the server needs, there is no session', async () => {
    const { ca, cert, key } = zookeeper.tls;
    for (const tls of [{ cert, key }, { ca }]) {
      const warnings: string[] = [];
      const logger = {
        log: () => {},
        warn: (line: string) => warnings.push(line),
        error: () => {},
      };
      await expect(
        ZkClient.connect({
          servers: zookeeper.secureConnectString,
          tls,
          connectTimeoutMs: 1_500,
          logger,
        }),
      ).rejects.toBeInstanceOf(ZkConnectError);
      // Said once, with the fix, however many attempts failed the same way.
      const tlsWarnings = warnings.filter((line) => line.startsWith('TLS with '));
      expect(tlsWarnings).toHaveLength(1);
      expect(tlsWarnings[0]).toContain('Check the `tls` option');
    }
  });
});
