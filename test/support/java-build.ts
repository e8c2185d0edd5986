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
import { delimiter, join, relative, sep } from 'node:path';
import { isExecutable, onPath } from '../../lib/testing/executables.js';
import { findJava } from '../../lib/testing/zookeeper-install.js';

/**
 * The tests' Java programs (the Curator peer of test/interop, ZooKeeper's wire fixtures of
 * test/client/protocol) are compiled with javac against Debian's jars: those of
 * test/interop/java/curator-peer.requirements.json, which `node scripts/ensure-curator-peer.mjs`
 * installs (with the JDK) when they are missing.
 */
const REQUIREMENTS_FILE = join(
  sourceDir(import.meta.dirname),
  '..',
  'interop',
  'java',
  'curator-peer.requirements.json',
);

interface Requirements {
  javaDir: string;
  /** Jar file name → the Debian package that ships it. */
  jars: Record<string, string>;
  jdkPackage: string;
}

const requirements = JSON.parse(readFileSync(REQUIREMENTS_FILE, 'utf8')) as Requirements;

/**
 * `dir` in the sources: the same when this file runs from them (vitest), the directory it was
 * compiled from when it runs from `.build/` (the benchmarks start the Curator peer), where tsc
 * copies no `.java` or `.json` file.
 */
export function sourceDir(dir: string): string {
  const build = `${sep}.build${sep}`;
  const at = dir.lastIndexOf(build);
  return at === -1 ? dir : dir.slice(0, at + 1) + dir.slice(at + build.length);
}

/** A compiled program: `java -cp classpath <main class> ...`. */
export interface JavaBuild {
  java: string;
  classpath: string;
}

/** What a Java program of the tests is. */
export interface JavaProgram {
  /** Names its cache in the OS temporary directory: `curator-peer`. */
  name: string;
  /** The directory of its sources: every `.java` file under it is compiled. */
  sources: string;
  /** Its main class, in the default package. */
  mainClass: string;
}

/** What is missing to compile and run the programs (javac, jars), as a sentence; undefined if none. */
export function missingJavaTools(): string | undefined {
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
 * Compiles `program` with javac against Debian's jars, once: the classes are kept in the OS
 * temporary directory under a hash of the sources, the jars (path, size, time) and javac, and
 * reused while none of them changes. Concurrent builds each compile into their own directory
 * and the first rename wins.
 * @throws Error naming what is missing (and `node scripts/ensure-curator-peer.mjs`), or javac's
 * output.
 */
export function buildJava(program: JavaProgram): JavaBuild {
  const missing = missingJavaTools();
  if (missing) {
    throw new Error(
      `${program.mainClass} cannot be built: ${missing}. Run node scripts/ensure-curator-peer.mjs (npm test does).`,
    );
  }
  const javac = findJavac()!;
  const jars = Object.keys(requirements.jars).map((jar) => join(requirements.javaDir, jar));
  const sources = javaFiles(program.sources);
  const hash = createHash('sha256').update(realpathSync(javac));
  for (const source of sources) {
    hash.update(relative(program.sources, source)).update(readFileSync(source));
  }
  for (const jar of jars) {
    const stat = statSync(jar);
    hash.update(`${jar} ${stat.size} ${stat.mtimeMs}`);
  }
  const root = join(tmpdir(), `nestjs-zk-discovery-${program.name}`);
  const classes = join(root, hash.digest('hex').slice(0, 16));
  if (!existsSync(join(classes, `${program.mainClass}.class`))) {
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
