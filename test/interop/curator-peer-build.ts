import { join } from 'node:path';
import { onPath } from '../../lib/testing/executables.js';
import { buildJava, type JavaBuild, missingJavaTools, sourceDir } from '../support/java-build.js';

/**
 * test/interop/java: CuratorPeer.java, its Spring-shaped payload class and its requirements (in
 * the sources also when this file runs compiled, from the benchmarks).
 */
export const PEER_SOURCES = join(sourceDir(import.meta.dirname), 'java');

/** A compiled peer: `java -cp classpath CuratorPeer ...`. */
export type CuratorPeerBuild = JavaBuild;

/**
 * Why the Curator interop tests cannot run here, or undefined when they must. Missing tools are
 * a reason to skip only where they cannot be installed (not root, or no apt-get); as root with
 * apt-get, `node scripts/ensure-curator-peer.mjs` (run by `npm test`) installs them, and a
 * missing tool is a failure.
 */
export function curatorPeerSkipReason(): string | undefined {
  const missing = missingJavaTools();
  if (!missing) return undefined;
  const isRoot = process.getuid?.() === 0;
  return isRoot && onPath('apt-get')
    ? undefined
    : `${missing}; they cannot be installed here (that needs root and apt-get)`;
}

/**
 * Compiles the peer once (see `buildJava`).
 * @throws Error naming what is missing, or javac's output.
 */
export function buildCuratorPeer(): CuratorPeerBuild {
  return buildJava({ name: 'curator-peer', sources: PEER_SOURCES, mainClass: 'CuratorPeer' });
}
