import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isExecutable, onPath } from './executables.js';
import {
  JAVA_APT_INSTALL,
  ZOOKEEPER_APT_INSTALL,
  ZooKeeperNotInstalledError,
} from './zookeeper-not-installed.error.js';

/** Where Debian's `libzookeeper-java` (pulled in by the `zookeeper` package) puts its jars. */
export const DEBIAN_JAVA_DIR = '/usr/share/java';

/** How to start a ZooKeeper server on this machine. */
export interface ZooKeeperInstall {
  /** Absolute path of the `java` executable. */
  java: string;
  /**
   * Classpath entries holding ZooKeeper and one logging backend, without a configuration
   * directory: the launcher puts its own first so logging goes to a file, never the terminal.
   */
  classpath: string[];
  /** Where the jars were found, for messages (e.g. `Debian package (/usr/share/java)`). */
  source: string;
}

/** Where {@link findZooKeeperInstall} looks; every field defaults to the real machine. */
export interface FindZooKeeperInstallOptions {
  /** Environment to read `ZOOKEEPER_HOME`, `JAVA_HOME` and `PATH` from. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Directory of Debian's jars. @default '/usr/share/java' */
  debianJavaDir?: string;
}

/**
 * Locates ZooKeeper and Java. ZooKeeper: `ZOOKEEPER_HOME` if set (an Apache binary install with
 * `lib/*.jar` and/or `zookeeper*.jar`, or a Debian jar directory such as `/usr/share/java` or
 * `/usr/share/zookeeper`), else Debian's `/usr/share/java/zookeeper.jar`.
 * Java: `$JAVA_HOME/bin/java` if `JAVA_HOME` is set, else `java` on `PATH`.
 * @throws ZooKeeperNotInstalledError naming the missing part and the install command.
 */
export function findZooKeeperInstall(options: FindZooKeeperInstallOptions = {}): ZooKeeperInstall {
  const env = options.env ?? process.env;
  const jars = findZooKeeperJars(env, options.debianJavaDir ?? DEBIAN_JAVA_DIR);
  return { java: findJava(env), ...jars };
}

/**
 * The `java` executable: `$JAVA_HOME/bin/java` when `JAVA_HOME` is set, else the first `java`
 * on `PATH`.
 * @throws ZooKeeperNotInstalledError when there is none.
 */
export function findJava(env: NodeJS.ProcessEnv = process.env): string {
  const javaHome = env.JAVA_HOME;
  if (javaHome) {
    const java = join(javaHome, 'bin', 'java');
    if (isExecutable(java)) return java;
    throw new ZooKeeperNotInstalledError(
      'java',
      `JAVA_HOME=${javaHome} has no executable bin/java. Point JAVA_HOME at a Java runtime, unset it ` +
        `to use java from PATH, or install one: ${JAVA_APT_INSTALL}`,
    );
  }
  const java = onPath('java', env);
  if (java) return java;
  throw new ZooKeeperNotInstalledError(
    'java',
    `No java found (JAVA_HOME is not set and there is no java on PATH). ZooKeeper needs a Java ` +
      `runtime: ${JAVA_APT_INSTALL} (or set JAVA_HOME).`,
  );
}

function findZooKeeperJars(
  env: NodeJS.ProcessEnv,
  debianJavaDir: string,
): Omit<ZooKeeperInstall, 'java'> {
  const home = env.ZOOKEEPER_HOME;
  if (home) return jarsFromHome(resolve(home));
  if (existsSync(join(debianJavaDir, 'zookeeper.jar'))) {
    return {
      classpath: debianClasspath(debianJavaDir),
      source: `Debian package (${debianJavaDir})`,
    };
  }
  throw new ZooKeeperNotInstalledError(
    'zookeeper',
    `ZooKeeper not found: ZOOKEEPER_HOME is not set and ${join(debianJavaDir, 'zookeeper.jar')} ` +
      `does not exist. Install it with: ${ZOOKEEPER_APT_INSTALL} (as root, or with sudo), or set ` +
      `ZOOKEEPER_HOME to an Apache ZooKeeper binary install (the directory holding lib/).`,
  );
}

function jarsFromHome(home: string): Omit<ZooKeeperInstall, 'java'> {
  if (!isDirectory(home)) {
    throw new ZooKeeperNotInstalledError(
      'zookeeper',
      `ZOOKEEPER_HOME=${home} is not a directory. Set it to an Apache ZooKeeper binary install ` +
        `(the directory holding lib/), or unset it and run: ${ZOOKEEPER_APT_INSTALL}`,
    );
  }
  // Debian layout: the jar directory itself, or /usr/share/zookeeper whose jars are in ../java.
  for (const dir of [home, join(dirname(home), 'java')]) {
    if (existsSync(join(dir, 'zookeeper.jar')) && !isDirectory(join(home, 'lib'))) {
      return { classpath: debianClasspath(dir), source: `ZOOKEEPER_HOME=${home} (Debian layout)` };
    }
  }
  // Apache layout: lib/*.jar (3.5+), plus zookeeper-x.y.z.jar at the top (3.4).
  const topJars = jarsIn(home).filter((name) => name.startsWith('zookeeper'));
  const libDir = join(home, 'lib');
  const libJars = isDirectory(libDir) ? jarsIn(libDir) : [];
  const hasZooKeeperJar = [...topJars, ...libJars].some((name) => name.startsWith('zookeeper'));
  if (!hasZooKeeperJar) {
    throw new ZooKeeperNotInstalledError(
      'zookeeper',
      `ZOOKEEPER_HOME=${home} does not look like a ZooKeeper install: no zookeeper*.jar in it or ` +
        `in its lib/. Point it at an Apache ZooKeeper binary install (apache-zookeeper-x.y.z-bin), ` +
        `or unset it and run: ${ZOOKEEPER_APT_INSTALL}`,
    );
  }
  const classpath = topJars.map((name) => join(home, name));
  if (libJars.length > 0) classpath.push(join(libDir, '*'));
  return { classpath, source: `ZOOKEEPER_HOME=${home}` };
}

/**
 * Debian's zookeeper.jar names its dependencies in its manifest but no SLF4J binding; without
 * one SLF4J prints a warning and drops every log line. Add the log4j 1.2 binding Debian ships
 * (a `/usr/share/java/*` wildcard would instead put six competing bindings on the classpath).
 * The manifest also leaves out netty-codec, which Netty's handlers extend: without it the Netty
 * connection factory, the only one that serves TLS (`secureClientPort`), accepts connections on
 * both ports and drops them (`NoClassDefFoundError: io/netty/handler/codec/ByteToMessageDecoder`).
 */
function debianClasspath(dir: string): string[] {
  const classpath = [join(dir, 'zookeeper.jar')];
  for (const jar of ['slf4j-log4j12.jar', 'log4j-1.2.jar', 'netty-codec.jar']) {
    if (existsSync(join(dir, jar))) classpath.push(join(dir, jar));
  }
  return classpath;
}

function jarsIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jar'))
    .sort();
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
