import { randomBytes } from 'node:crypto';
import { CuratorPeer } from '../../test/interop/curator-peer.js';
import { buildCuratorPeer } from '../../test/interop/curator-peer-build.js';
import { missingJavaTools } from '../../test/support/java-build.js';
import { Arrivals, ChangeHistory } from './arrivals.js';
import { fromMonotonic } from './monotonic.js';

/** What a Curator row says when there is no Curator to time, and why. */
export interface CuratorMissing {
  /** For the table's cell: `Java not installed`. */
  cell: string;
  /** The whole reason, for the text under it. */
  detail: string;
}

/**
 * Curator 5.4's `ServiceCache` (Debian's jars; persistent recursive watches underneath on
 * ZooKeeper 3.6+) as a consumer of the propagation benchmarks: the interop tests' Java peer
 * (test/interop/java/CuratorPeer.java) in its timing mode, one JVM for a whole benchmark, one cache
 * per service. The JVM stamps each change with `System.nanoTime()` first thing in the cache's
 * listener (the cache has applied it) and prints it; the stamp is CLOCK_MONOTONIC, the clock of
 * `performance.now()` here, so it lands on our timeline as it is (checked at start: a stamp of the
 * JVM must fall inside a round trip to it). The pipe's delay and our parsing never enter the figure.
 */
export class CuratorTimer {
  private readonly services = new Map<string, ChangeHistory>();

  private constructor(
    private readonly peer: CuratorPeer,
    /** Curator's base path: services are `<basePath>/<name>`. */
    readonly basePath: string,
  ) {
    peer.onSeen((seen) => {
      this.services.get(seen.name)?.notify(fromMonotonic(seen.at), seen.added, seen.removed);
    });
  }

  /** Builds (javac, cached) and starts the peer; or says why Curator cannot be timed here. */
  static async start(servers: string): Promise<CuratorTimer | CuratorMissing> {
    const missing = missingJavaTools();
    if (missing) return { cell: 'Java not installed', detail: missing };
    const basePath = `/bench/curator-${randomBytes(4).toString('hex')}`;
    let peer: CuratorPeer;
    try {
      peer = await CuratorPeer.start(buildCuratorPeer(), servers, basePath);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return { cell: 'the Curator peer did not start', detail: detail.slice(0, 500) };
    }
    const before = process.hrtime.bigint();
    const nanos = await peer.clock();
    const after = process.hrtime.bigint();
    if (nanos < before || nanos > after) {
      await peer.stop();
      return {
        cell: "the JVM's clock is not ours",
        detail:
          `System.nanoTime() read ${nanos} in a round trip from ${before} to ${after} ` +
          '(process.hrtime.bigint()): the two do not share CLOCK_MONOTONIC here',
      };
    }
    return new CuratorTimer(peer, basePath);
  }

  /**
   * Starts a ServiceCache on `<basePath>/<name>`, which must hold `expected` instances once
   * started; resolves with what tells when each instance came and went.
   */
  async watch(name: string, expected: number): Promise<Arrivals> {
    const service = new ChangeHistory(new Arrivals());
    this.services.set(name, service);
    const count = await this.peer.time(name, 120_000);
    if (count !== expected) {
      throw new Error(
        `Curator's ServiceCache of ${name} holds ${count} instances, not ${expected}`,
      );
    }
    return service.arrivals;
  }

  /** Closes the ServiceCache of `name` (before its instances go, so it never sees them go). */
  async unwatch(name: string): Promise<void> {
    this.services.delete(name);
    await this.peer.untime(name);
  }

  async close(): Promise<void> {
    await this.peer.stop();
  }
}

/** Whether `start` gave a timer. */
export function isTimer(value: CuratorTimer | CuratorMissing): value is CuratorTimer {
  return value instanceof CuratorTimer;
}
