/** The apt command that installs what the kit needs on Debian/Ubuntu. */
export const ZOOKEEPER_APT_INSTALL = 'apt-get update && apt-get install -y zookeeper';

/** The apt command that installs a Java runtime on Debian/Ubuntu. */
export const JAVA_APT_INSTALL = 'apt-get update && apt-get install -y default-jre-headless';

/**
 * ZooKeeper jars or a `java` executable could not be found. The message says what was looked
 * for, where, and the command that fixes it.
 */
export class ZooKeeperNotInstalledError extends Error {
  override name = 'ZooKeeperNotInstalledError';

  constructor(
    /** What is missing. */
    readonly missing: 'zookeeper' | 'java',
    message: string,
  ) {
    super(message);
  }
}
