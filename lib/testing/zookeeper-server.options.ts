import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './free-port.js';
import type { QuorumConfig, ZooKeeperClientAuth } from './zookeeper-config.js';
import type { ZooKeeperInstall } from './zookeeper-install.js';
import type { ZooKeeperLogLevel } from './zookeeper-logging.js';

/** Options of {@link ZooKeeperServer.start}. */
export interface ZooKeeperServerOptions {
  /** Client port on 127.0.0.1. @default a free loopback port */
  port?: number;
  /**
   * ZooKeeper's tick. Session timeouts are bounded by 2..20 ticks by default, so a short tick
   * lets tests use short session timeouts (expiry in well under a second).
   * @default 200
   */
  tickTimeMs?: number;
  /** Smallest session timeout the server grants. @default 2 * tickTimeMs */
  minSessionTimeoutMs?: number;
  /** Largest session timeout the server grants. @default 60000 */
  maxSessionTimeoutMs?: number;
  /**
   * Directory for the server's data, configuration and logs. A directory given here is kept by
   * `stop()`; the default one is removed.
   * @default a fresh directory under os.tmpdir()
   */
  dataDir?: string;
  /** How long `start()` and `restart()` wait for the server to serve. @default 30000 */
  startTimeoutMs?: number;
  /** Level of `<dataDir>/zookeeper.log`. @default 'INFO' */
  logLevel?: ZooKeeperLogLevel;
  /** Java and classpath to use. @default findZooKeeperInstall() */
  install?: ZooKeeperInstall;
  /**
   * Also serve TLS on a second free loopback port (`secureClientPort`), with a throwaway CA
   * made for this server in `<dataDir>/tls/` (needs the `openssl` command). The plain port
   * stays. The started server's `secureConnectString` and `tls` (CA, client certificate and
   * key, server name) are what a client needs. `true` is `{ clientAuth: 'need' }`.
   * @default false
   */
  tls?: boolean | ZooKeeperTlsOptions;
  /**
   * Makes the server a member of an ensemble. Set by `ZooKeeperEnsemble`; a standalone
   * server leaves it out.
   */
  quorum?: QuorumConfig;
}

/** The TLS port of a server started with {@link ZooKeeperServerOptions.tls}. */
export interface ZooKeeperTlsOptions {
  /** @default 'need' */
  clientAuth?: ZooKeeperClientAuth;
}

/** Options of {@link ZooKeeperServer.stop}. */
export interface ZooKeeperStopOptions {
  /**
   * Keep the kit-created data dir so that `restart()` can bring the same data back.
   * @default false
   */
  keepData?: boolean;
  /** How long to wait after SIGTERM before sending SIGKILL. @default 10000 */
  timeoutMs?: number;
}

/** Options of {@link ZooKeeperServer.restart}. */
export interface ZooKeeperRestartOptions {
  /**
   * Start with an empty database (`<dataDir>/version-2` removed; `myid` and the configuration
   * stay), as a server rebuilt or restored from an old backup does. @default false
   */
  emptyData?: boolean;
}

/** The resolved options of one server. @internal */
export interface ServerSettings {
  install: ZooKeeperInstall;
  port: number;
  dataDir: string;
  ownsDataDir: boolean;
  tickTimeMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  startTimeoutMs: number;
  logLevel: ZooKeeperLogLevel;
  quorum: QuorumConfig | undefined;
  /** The TLS port, and the directory of its certificates (`<dataDir>/tls`). */
  tls: { port: number; clientAuth: ZooKeeperClientAuth; certificatesDir: string } | undefined;
}

/**
 * The settings of one start attempt: the options' values or their defaults, with a fresh data dir
 * and free ports where the options leave them to the kit.
 * @internal
 */
export async function resolveServerSettings(
  options: ZooKeeperServerOptions,
  install: ZooKeeperInstall,
): Promise<ServerSettings> {
  const tickTimeMs = options.tickTimeMs ?? 200;
  const tls = options.tls === true ? {} : options.tls || undefined;
  const dataDir =
    options.dataDir === undefined
      ? await mkdtemp(join(tmpdir(), 'zk-testing-'))
      : resolve(options.dataDir);
  return {
    install,
    port: options.port ?? (await freePort()),
    dataDir,
    ownsDataDir: options.dataDir === undefined,
    tickTimeMs,
    minSessionTimeoutMs: options.minSessionTimeoutMs ?? 2 * tickTimeMs,
    maxSessionTimeoutMs: options.maxSessionTimeoutMs ?? 60_000,
    startTimeoutMs: options.startTimeoutMs ?? 30_000,
    logLevel: options.logLevel ?? 'INFO',
    quorum: options.quorum,
    tls: tls && {
      port: await freePort(),
      clientAuth: tls.clientAuth ?? 'need',
      certificatesDir: join(dataDir, 'tls'),
    },
  };
}
