import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative } from 'node:path';
import { isExecutable, onPath } from '../../lib/testing/executables.js';
import { findJava } from '../../lib/testing/zookeeper-install.js';

/** test/interop/java: CuratorPeer.java, its Spring-shaped payload class and its requirements. */
export const PEER_SOURCES = join(import.meta.dirname, 'java');

interface Requirements {
  javaDir: string;
  /** Jar file name → the Debian package that ships it. */
  jars: Record<string, string>;
  jdkPackage: string;
}

const requirements = JSON.parse(
  readFileSync(join(PEER_SOURCES, 'curator-peer.requirements.json'), 'utf8'),
) as Requirements;

/** A compiled peer: `java -cp classpath CuratorPeer ...`. */
export interface CuratorPeerBuild {
  java: string;
  classpath: string;
}

/** What is missing to compile and run the peer (javac, jars), as a sentence; undefined if none. */
export function missingPeerTools(): string | undefined {
  const jars = Object.keys(requirements.jars).filter(
    (jar) => !existsSync(join(requirements.javaDir, jar)),
  );
  const missing = [...(findJavac() ? [] : ['javac']), ...jars];
  if (missing.length === 0) return undefined;
  const packages = [
    ...new Set([
      ...jars.map((jar) => requirements.jars[jar]!),
      ...(findJavac() ? [] : [requirements.jdkPackage]),
    ]),
  ];
  return `not found: ${missing.join(', ')} (apt-get install ${packages.join(' ')})`;
}

/**
 * Why the Curator interop tests cannot run here, or undefined when they must. Missing tools are
 * a reason to skip only where they cannot be installed (not root, or no apt-get); as root with
 * apt-get, `node scripts/ensure-curator-peer.mjs` (run by `npm test`) installs them, and a
 * missing tool is a failure.
 */
export function curatorPeerSkipReason(): string | undefined {
  const missing = missingPeerTools();
  if (!missing) return undefined;
  const isRoot = process.getuid?.() === 0;
  return isRoot && onPath('apt-get')
    ? undefined
    : `${missing}; they cannot be installed here (that needs root and apt-get)`;
}

/**
 * Compiles the peer with javac against Debian's jars, once: the classes are kept in the OS
 * temporary directory under a hash of the sources, the jars (path, size, time) and javac, and
 * reused while none of them changes. Concurrent builds each compile into their own directory
 * and the first rename wins.
 * @throws Error naming what is missing, or javac's output.
 */
export function buildCuratorPeer(): CuratorPeerBuild {
  const missing = missingPeerTools();
  if (missing) {
    throw new Error(
      `The Curator peer cannot be built: ${missing}. Run node scripts/ensure-curator-peer.mjs (npm test does).`,
    );
  }
  const javac = findJavac()!;
  const jars = Object.keys(requirements.jars).map((jar) => join(requirements.javaDir, jar));
  const sources = javaFiles(PEER_SOURCES);
  const hash = createHash('sha256').update(realpathSync(javac));
  for (const source of sources) {
    hash.update(relative(PEER_SOURCES, source)).update(readFileSync(source));
  }
  for (const jar of jars) {
    const stat = statSync(jar);
    hash.update(`${jar} ${stat.size} ${stat.mtimeMs}`);
  }
  const root = join(tmpdir(), 'nestjs-zk-discovery-curator-peer');
  const classes = join(root, hash.digest('hex').slice(0, 16));
  if (!existsSync(join(classes, 'CuratorPeer.class'))) {
    const building = `${classes}.building-${process.pid}-${randomBytes(4).toString('hex')}`;
    const args = ['--release', '17', '-d', building, '-cp', jars.join(delimiter), ...sources];
    const result = spawnSync(javac, args, { encoding: 'utf8' });
    if (result.status !== 0) {
      rmSync(building, { recursive: true, force: true });
      throw new Error(
        `javac failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr}`,
      );
    }
    try {
      renameSync(building, classes);
    } catch {
      // Another build got there first with the same classes.
      rmSync(building, { recursive: true, force: true });
    }
  }
  return { java: findJava(), classpath: [classes, ...jars].join(delimiter) };
}

function javaFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.java'))
    .sort()
    .map((name) => join(dir, name));
}

function findJavac(): string | undefined {
  const home = process.env.JAVA_HOME;
  if (home && isExecutable(join(home, 'bin', 'javac'))) return join(home, 'bin', 'javac');
  return onPath('javac');
}
