import { connect, createServer, type Server, type Socket } from 'node:net';
import { LOOPBACK_HOST } from './free-port.js';

/** Where a {@link FaultProxy} forwards to. */
export interface ProxyTarget {
  /** Host of the target, e.g. `127.0.0.1`. */
  host: string;
  /** Port of the target. */
  port: number;
}

/** Options of {@link FaultProxy.start}. */
export interface FaultProxyOptions {
  /** Port to listen on (127.0.0.1). @default a free port chosen by the kernel */
  port?: number;
}

/** One accepted client connection and, unless it was blackholed, its upstream connection. */
interface Link {
  client: Socket;
  upstream: Socket | undefined;
  /** Accepted or open during a partition: bytes were dropped, so it is dead for good. */
  cut: boolean;
  /** Open while replies were muted: the server's answers were dropped, so it is dead for good. */
  muted: boolean;
}

/**
 * A TCP proxy on 127.0.0.1 in front of one `host:port` (typically a ZooKeeper server) that can
 * inject network faults a test needs to prove behaviour under failure:
 *
 * - `partition()`: nothing passes in either direction, but no socket is closed. Bytes are read
 *   and dropped, so the client sees silence (its pings go unanswered, it times out and
 *   reconnects) and the server sees a silent client (the session really expires after its
 *   timeout). A hang-up on either side is not passed on either. Connections accepted during
 *   the partition are blackholed: accepted, read and dropped, no upstream connection opened.
 * - `heal()`: new connections forward again. Every connection that lived through the partition
 *   (blackholed, or open before it) is destroyed at that moment: bytes were dropped from its
 *   stream, so resuming it would hand the peer a corrupt protocol stream. The client sees a
 *   plain disconnect and reconnects cleanly through the healed proxy. Unlike a real network,
 *   where TCP would retransmit, even a partition shorter than the client's timeout therefore
 *   ends in a (within-session) reconnect.
 * - `dropConnections()`: destroys every current connection at once, a short disconnect that
 *   stays within the session.
 *
 * Point the client at `proxy.connectString` instead of the server's.
 */
export class FaultProxy {
  private readonly links = new Set<Link>();
  private partitioned = false;
  private repliesMuted = false;
  private dropped = 0;
  private toTarget = 0;
  private fromTarget = 0;

  private constructor(
    private readonly server: Server,
    /** Where the proxy forwards to. */
    readonly target: ProxyTarget,
    /** The port the proxy listens on, on 127.0.0.1. */
    readonly port: number,
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  /** Starts a proxy in front of `target`, listening on a free 127.0.0.1 port. */
  static async start(target: ProxyTarget, options: FaultProxyOptions = {}): Promise<FaultProxy> {
    const server = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: LOOPBACK_HOST, port: options.port ?? 0 }, () => {
        server.off('error', reject);
        const address = server.address();
        if (address === null || typeof address === 'string') {
          reject(new Error(`FaultProxy: unexpected listen address ${String(address)}`));
          return;
        }
        resolve(address.port);
      });
    });
    return new FaultProxy(server, { host: target.host, port: target.port }, port);
  }

  /**
   * Starts one proxy per target, e.g. one per ensemble member:
   * `FaultProxy.forEach(ensemble.servers)`. Join their `connectString`s with commas for a client.
   */
  static async forEach(targets: readonly ProxyTarget[]): Promise<FaultProxy[]> {
    const started = await Promise.allSettled(targets.map((target) => FaultProxy.start(target)));
    const proxies = started.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value] : [],
    );
    const failure = started.find((result) => result.status === 'rejected');
    if (failure) {
      await Promise.all(proxies.map((proxy) => proxy.close()));
      throw failure.reason;
    }
    return proxies;
  }

  /** `127.0.0.1:<port>`: the connect string that goes through the proxy. */
  get connectString(): string {
    return `${LOOPBACK_HOST}:${this.port}`;
  }

  /** The number of client connections currently open on the proxy (forwarding or cut). */
  get connectionCount(): number {
    let count = 0;
    for (const link of this.links) if (!link.client.destroyed) count++;
    return count;
  }

  /** Whether the proxy is partitioned (between `partition()` and `heal()`). */
  get isPartitioned(): boolean {
    return this.partitioned;
  }

  /**
   * Bytes read and thrown away because of a partition, in both directions. Lets a test wait
   * for proof that traffic reached the proxy and was dropped, instead of sleeping.
   */
  get droppedBytes(): number {
    return this.dropped;
  }

  /**
   * Bytes forwarded since the proxy started, by direction: from the clients to the target (their
   * requests) and from the target to the clients (its answers and notifications). Bytes dropped by
   * a fault are not counted here (see {@link droppedBytes}). Lets a benchmark measure what a
   * server sends to every client behind the proxy: read it before and after, and subtract.
   */
  get forwardedBytes(): { toTarget: number; fromTarget: number } {
    return { toTarget: this.toTarget, fromTarget: this.fromTarget };
  }

  /** Stops forwarding in both directions without closing any socket. Idempotent. */
  partition(): void {
    this.partitioned = true;
    for (const link of this.links) {
      link.cut = true;
      // A paused side (backpressure) must keep being read so its bytes are dropped.
      link.client.resume();
      link.upstream?.resume();
    }
  }

  /**
   * A one-way fault: requests still reach the server, its answers are dropped. The server applies
   * a write whose answer the client never gets: the case a protected create exists for. Ended
   * by `heal()`. Idempotent.
   */
  muteReplies(): void {
    this.repliesMuted = true;
    for (const link of this.links) link.muted = true;
  }

  /**
   * Ends the partition (or muted replies): destroys every connection that lived through it (see
   * the class doc) and forwards new connections again. Idempotent.
   */
  heal(): void {
    this.partitioned = false;
    this.repliesMuted = false;
    for (const link of this.links) {
      if (link.cut || link.muted) this.destroy(link);
    }
  }

  /** Destroys every current connection on both sides at once; new connections are accepted. */
  dropConnections(): void {
    for (const link of this.links) this.destroy(link);
  }

  /** Destroys every connection and stops listening. */
  async close(): Promise<void> {
    this.partitioned = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.dropConnections();
    await closed;
  }

  private accept(client: Socket): void {
    client.setNoDelay(true);
    const link: Link = {
      client,
      upstream: undefined,
      cut: this.partitioned,
      muted: this.repliesMuted,
    };
    this.links.add(link);
    client.on('error', () => this.onSideClosed(link));
    client.on('close', () => this.onSideClosed(link));
    if (link.cut) {
      // Blackholed: read and drop everything, never open an upstream connection.
      client.on('data', (chunk: Buffer) => {
        this.dropped += chunk.length;
      });
      return;
    }
    const upstream = connect({ host: this.target.host, port: this.target.port });
    upstream.setNoDelay(true);
    link.upstream = upstream;
    upstream.on('error', () => this.onSideClosed(link));
    upstream.on('close', () => this.onSideClosed(link));
    this.forward(link, client, upstream);
    this.forward(link, upstream, client);
  }

  private forward(link: Link, from: Socket, to: Socket): void {
    const isReply = from !== link.client;
    from.on('data', (chunk: Buffer) => {
      if (link.cut || (isReply && link.muted)) {
        this.dropped += chunk.length;
        return;
      }
      if (isReply) this.fromTarget += chunk.length;
      else this.toTarget += chunk.length;
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => {
          if (!link.cut) from.resume();
        });
      }
    });
  }

  /**
   * One side closed or failed. Forwarding: close the other side too, as an end-to-end
   * connection would. Cut: the other side must not learn anything, so it stays open and silent
   * until `heal()`, `dropConnections()` or `close()`; the link is forgotten once both are gone.
   */
  private onSideClosed(link: Link): void {
    if (!link.cut) {
      this.destroy(link);
    } else if (link.client.destroyed && (link.upstream?.destroyed ?? true)) {
      this.links.delete(link);
    }
  }

  private destroy(link: Link): void {
    this.links.delete(link);
    link.client.destroy();
    link.upstream?.destroy();
  }
}
