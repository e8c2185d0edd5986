import { JuteWriter } from './jute-writer.js';
import { OpCode, Xid } from './protocol.constants.js';
import type { ZkConnection } from './zk-connection.js';

const PING = new JuteWriter(16).int(Xid.ping).int(OpCode.ping).frame();

/** What the heartbeat looks at on each tick. */
export interface HeartbeatView {
  readonly connection: ZkConnection | undefined;
  /** Whether the connection has a session (else it is still connecting). */
  readonly connected: boolean;
  /** The session timeout the server granted, or -1 before the first session. */
  readonly negotiatedMs: number;
}

/**
 * Keeps a session's connection honest: pings after a third of the session timeout without
 * sending, drops the connection after two thirds without hearing anything (the session timeout
 * is the server's; before the first session, the one asked for), and bounds the time to connect
 * and hear the first answer, so that a dead server is left for the next one in time.
 */
export class Heartbeat {
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    private readonly requestedSessionMs: number,
    private readonly serverCount: number,
    private readonly view: () => HeartbeatView,
  ) {}

  /** Starts ticking (idempotent): often enough for short sessions, at most once a second. */
  start(): void {
    if (this.ticker) return;
    const every = Math.min(1_000, Math.max(20, this.requestedSessionMs / 15));
    this.ticker = setInterval(() => this.tick(), every);
    this.ticker.unref();
  }

  stop(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private tick(): void {
    const { connection, connected, negotiatedMs } = this.view();
    if (!connection) return;
    const sessionMs = negotiatedMs > 0 ? negotiatedMs : this.requestedSessionMs;
    const now = performance.now();
    const silentFor = now - connection.lastReceivedAt;
    const limit = connected ? (sessionMs * 2) / 3 : Math.max(1_000, sessionMs / this.serverCount);
    if (silentFor > limit) {
      connection.close(
        new Error(`no answer from ${connection.server} for ${Math.round(silentFor)} ms`),
      );
    } else if (connected && now - connection.lastSentAt >= sessionMs / 3) {
      connection.send(PING);
    }
  }
}
