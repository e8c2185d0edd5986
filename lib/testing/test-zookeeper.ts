import { ZooKeeperServer } from './zookeeper-server.js';
import type { ZooKeeperServerOptions } from './zookeeper-server.options.js';

/**
 * Environment variable naming an existing ZooKeeper server or ensemble (a connect string such
 * as `zk1:2181,zk2:2181,zk3:2181`) that tests use instead of starting their own.
 */
export const ZK_TEST_CONNECT_ENV = 'ZK_TEST_CONNECT';

/** A ZooKeeper for tests: started by the kit, or an external one. */
export interface TestZooKeeper {
  /** The connect string to give a ZooKeeper client. */
  readonly connectString: string;
  /** True when `ZK_TEST_CONNECT` named an external server: the kit neither started nor stops it. */
  readonly external: boolean;
  /** The server the kit started; undefined for an external one. */
  readonly server: ZooKeeperServer | undefined;
  /** Stops the server the kit started (and removes its data); does nothing for an external one. */
  stop(): Promise<void>;
}

/** Options of {@link startTestZooKeeper}. */
export interface StartTestZooKeeperOptions extends ZooKeeperServerOptions {
  /** Environment to read `ZK_TEST_CONNECT` from. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/**
 * The ZooKeeper a test suite should use: the external server or ensemble named by
 * `ZK_TEST_CONNECT` when it is set, otherwise a fresh {@link ZooKeeperServer} on a free
 * loopback port (the options apply to that server only).
 *
 * ```ts
 * const zk = await startTestZooKeeper();
 * afterAll(() => zk.stop());
 * ```
 */
export async function startTestZooKeeper(
  options: StartTestZooKeeperOptions = {},
): Promise<TestZooKeeper> {
  const { env = process.env, ...serverOptions } = options;
  const external = env[ZK_TEST_CONNECT_ENV]?.trim();
  if (external) {
    return { connectString: external, external: true, server: undefined, stop: async () => {} };
  }
  const server = await ZooKeeperServer.start(serverOptions);
  return {
    connectString: server.connectString,
    external: false,
    server,
    stop: () => server.stop(),
  };
}
