import type { ZkServerAddress } from '../zk-server-address.js';

/** The pause after a whole round of failed servers: 50 ms plus up to 450 ms of jitter. */
const ROUND_PAUSE_MS = 50;
const ROUND_JITTER_MS = 450;

/**
 * The order in which a session tries its servers: shuffled once, as the Java client shuffles its
 * host list, then one after the other. After a whole round of failures in a row it waits a little
 * before the next round, jittered so that a fleet of clients does not come back in step.
 */
export class ServerRotation {
  private readonly servers: ZkServerAddress[];
  private nextIndex = 0;
  /** Servers failed since the last session. */
  private failedInARow = 0;

  constructor(servers: readonly ZkServerAddress[]) {
    this.servers = shuffled(servers);
  }

  get size(): number {
    return this.servers.length;
  }

  /** The server to try next. */
  next(): ZkServerAddress {
    const server = this.servers[this.nextIndex];
    this.nextIndex = (this.nextIndex + 1) % this.servers.length;
    return server;
  }

  /** A session is established: a new round of failures starts from zero. */
  connected(): void {
    this.failedInARow = 0;
  }

  /**
   * A connection ended, `failed` before a session was established or not: how long to wait
   * before the next server.
   */
  delayAfter(failed: boolean): number {
    if (failed) this.failedInARow++;
    if (this.failedInARow < this.servers.length) return 0;
    this.failedInARow = 0;
    return ROUND_PAUSE_MS + Math.random() * ROUND_JITTER_MS;
  }
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy;
}
