/** The apt command that installs what the kit needs on Debian/Ubuntu. */
export const ZOOKEEPER_APT_INSTALL = 'apt-get update && apt-get install -y zookeeper';

/** The apt command that installs a Java runtime on Debian/Ubuntu. */
export const JAVA_APT_INSTALL = 'apt-get update && apt-get install -y default-jre-headless';

/** The apt command that installs the `openssl` command (for a TLS test server's certificates). */
export const OPENSSL_APT_INSTALL = 'apt-get update && apt-get install -y openssl';

/**
 * ZooKeeper jars, a `java` executable or (for a TLS server) the `openssl` command could not be
 * found. The message says what was looked for, where, and the command that fixes it.
 */
export class ZooKeeperNotInstalledError extends Error {
  override name = 'ZooKeeperNotInstalledError';

  constructor(
    /** What is missing. */
    readonly missing: 'zookeeper' | 'java' | 'openssl',
    message: string,
  ) {
    super(message);
  }
}
