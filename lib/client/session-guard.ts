import { performance } from 'node:perf_hooks';
import { openAndCloseSession } from './serving-probe.js';
import type { ZkClientState } from './zk-client.types.js';
import type { ZkServerAddress } from './zk-server-address.js';

/** What the guard needs of the client it watches over. */
export interface SessionGuardHost {
  state(): ZkClientState;
  /** The negotiated session timeout, or the requested one before the first session. */
  sessionTimeoutMs(): number;
  /** Gives up the current native handle and opens a new session, for `reason`. */
  renewSession(reason: string): void;
}

/** How often the guard looks; also the resolution of the pause detector. */
const TICK_MS = 500;

/**
 * The bounds, all derived from the session timeout `S`:
 * - after `S/3` without a connection (one missed ping), look for a server that grants sessions;
 * - once one does, give the native handle `2S/3 + 1 s` more: that covers one whole connection
 *   attempt of the C client (it spends up to `2S/3` on one server) and its reconnect delay, so a
 *   healthy handle always gets back first. Past it, the handle is stuck: give it up.
 * In all, a handle is given up about `S + 1 s` after it lost the connection, and only while a
 * server serves: through a quorum loss or an outage, nothing is thrown away.
 */
export function stallBounds(sessionTimeoutMs: number) {
  return {
    probeAfterMs: sessionTimeoutMs / 3,
    graceMs: (2 * sessionTimeoutMs) / 3 + 1_000,
    probeEveryMs: Math.min(2_000, Math.max(250, sessionTimeoutMs / 6)),
    probeTimeoutMs: Math.min(2_000, Math.max(500, sessionTimeoutMs / 3)),
  };
}

/**
 * Makes sure a client never waits forever on a native handle that cannot get back, whatever the
 * reason (see DESIGN.md, "Never stuck"). ZooKeeper tells a client that its session expired only
 * when the client gets through; two ways it never does:
 * - the handle is stuck: its socket's events are not delivered (a C client built without
 *   close-on-exec in a process that started children), or the server refuses it (a server that
 *   lost its data refuses a client that has seen newer transactions);
 * - the process was paused (SIGSTOP, a VM freeze, a long blocking call) longer than the session
 *   timeout: the server has expired the session, but the C client finds out only at its next
 *   connection attempt, a third of the session timeout later.
 * For the first, it asks the servers for a new session by hand (a plain Node socket): when one
 * grants it and the handle is still not back after the grace time, the handle is given up. For the
 * second, a tick that comes later than the session timeout gives it up at once.
 * Its timer never keeps the process alive.
 */
export class SessionGuard {
  private timer: NodeJS.Timeout | undefined;
  private lastTickAt = performance.now();
  /** When the current handle stopped being connected (or was opened); undefined while connected. */
  private downSince: number | undefined = performance.now();
  private servingSeenAt: number | undefined;
  private nextProbeAt = 0;
  /** Bumped on every connection change, so a probe that outlived its episode is ignored. */
  private episode = 0;
  private probing = false;
  private hasSession = false;

  constructor(
    private readonly host: SessionGuardHost,
    private readonly servers: readonly ZkServerAddress[],
    private readonly probe: typeof openAndCloseSession = openAndCloseSession,
  ) {}

  start(): void {
    if (this.timer) return;
    this.lastTickAt = performance.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.episode++;
  }

  /** A new native handle: no session yet. */
  handleOpened(): void {
    this.episode++;
    this.hasSession = false;
    this.markDown();
  }

  connected(): void {
    this.episode++;
    this.hasSession = true;
    this.downSince = undefined;
    this.servingSeenAt = undefined;
  }

  connectionLost(): void {
    if (this.downSince !== undefined) return;
    this.episode++;
    this.markDown();
  }

  private markDown(): void {
    this.downSince = performance.now();
    this.servingSeenAt = undefined;
    this.nextProbeAt = 0;
  }

  private tick(): void {
    const now = performance.now();
    const gap = now - this.lastTickAt;
    this.lastTickAt = now;
    const sessionMs = this.host.sessionTimeoutMs();
    if (this.host.state() === 'closed') return;
    if (this.hasSession && gap > sessionMs + TICK_MS) {
      // No ping could leave for longer than the session timeout: the server has expired it.
      this.hasSession = false;
      this.host.renewSession(
        `this process was paused or blocked for ${seconds(gap)}, longer than the ` +
          `${seconds(sessionMs)} session timeout, so the server has expired it`,
      );
      return;
    }
    if (this.downSince === undefined || this.probing) return;
    const bounds = stallBounds(sessionMs);
    if (now - this.downSince < bounds.probeAfterMs || now < this.nextProbeAt) return;
    void this.checkServing(this.episode, bounds);
  }

  private async checkServing(
    episode: number,
    bounds: ReturnType<typeof stallBounds>,
  ): Promise<void> {
    this.probing = true;
    const serving = await this.findServingServer(bounds.probeTimeoutMs);
    this.probing = false;
    if (episode !== this.episode || this.downSince === undefined) return;
    const now = performance.now();
    if (!serving) {
      this.servingSeenAt = undefined;
      this.nextProbeAt = now + bounds.probeEveryMs;
      return;
    }
    this.servingSeenAt ??= now;
    if (now - this.servingSeenAt < bounds.graceMs) {
      this.nextProbeAt = this.servingSeenAt + bounds.graceMs;
      return;
    }
    this.host.renewSession(
      `no connection for ${seconds(now - this.downSince)} although ${serving} grants new ` +
        'sessions: the native handle cannot get back (a server that lost its data refuses it, or ' +
        'its socket is stuck)',
    );
  }

  /** The first server that grants a new session, as `host:port`, or undefined. */
  private async findServingServer(timeoutMs: number): Promise<string | undefined> {
    for (const server of this.servers) {
      try {
        await this.probe(server, timeoutMs);
        return `${server.host}:${server.port}`;
      } catch {
        // Down, without a quorum, or unreachable: the next one.
      }
    }
    return undefined;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
