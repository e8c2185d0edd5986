/**
 * nestjs-zk-discovery/testing: a real ZooKeeper for tests (one server or an ensemble, started
 * on free loopback ports and stopped by pid) and a TCP proxy that injects network faults.
 */
export { FaultProxy, type FaultProxyOptions, type ProxyTarget } from './fault-proxy.js';
export {
  type FourLetterWordOptions,
  fourLetterWord,
  parseConsSessionIds,
  parseSrvr,
  type SrvrReport,
  toSessionId,
  type ZooKeeperMode,
} from './four-letter-word.js';
export { freePort, freePorts, LOOPBACK_HOST } from './free-port.js';
export { type PollOptions, pollUntil } from './poll-until.js';
export {
  createTestCertificates,
  type TestCertificateFiles,
  type TestCertificates,
  type ZooKeeperClientTls,
} from './test-certificates.js';
export {
  type StartTestZooKeeperOptions,
  startTestZooKeeper,
  type TestZooKeeper,
  ZK_TEST_CONNECT_ENV,
} from './test-zookeeper.js';
export type { QuorumConfig, QuorumMember, ZooKeeperClientAuth } from './zookeeper-config.js';
export {
  type EnsembleWaitOptions,
  ZooKeeperEnsemble,
  type ZooKeeperEnsembleOptions,
} from './zookeeper-ensemble.js';
export {
  DEBIAN_JAVA_DIR,
  type FindZooKeeperInstallOptions,
  findJava,
  findZooKeeperInstall,
  type ZooKeeperInstall,
} from './zookeeper-install.js';
export type { ZooKeeperLogLevel } from './zookeeper-logging.js';
export {
  JAVA_APT_INSTALL,
  OPENSSL_APT_INSTALL,
  ZOOKEEPER_APT_INSTALL,
  ZooKeeperNotInstalledError,
} from './zookeeper-not-installed.error.js';
export { ZooKeeperServer } from './zookeeper-server.js';
export type {
  ZooKeeperRestartOptions,
  ZooKeeperServerOptions,
  ZooKeeperStopOptions,
  ZooKeeperTlsOptions,
} from './zookeeper-server.options.js';
export { ZooKeeperStartError } from './zookeeper-start.error.js';
