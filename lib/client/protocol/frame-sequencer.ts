import { Xid } from './protocol.constants.js';
import type { ZkConnection } from './zk-connection.js';

/**
 * Hands a session's frames on in the order callers rely on. ZooKeeper sends a watch event after
 * the answer of the read that armed it, and code after `await getChildren(path, watcher)` must run
 * before the watcher. Both can arrive in one chunk: an event that follows an answer delivered in
 * this turn of the event loop waits for the next turn, and the frames after it with it, in order.
 */
export class FrameSequencer {
  /** Frames held back until the callers of the answers before them have run. */
  private backlog: Buffer[] | undefined;
  /** An answer was delivered in this turn of the event loop. */
  private answeredThisTurn = false;

  constructor(
    /** The connection of the session now: frames of any other are dropped. */
    private readonly current: () => ZkConnection | undefined,
    private readonly process: (connection: ZkConnection, frame: Buffer) => void,
  ) {}

  /** A frame from `connection`: processed now, or after the frames held back before it. */
  push(connection: ZkConnection, frame: Buffer): void {
    if (connection !== this.current()) return;
    if (this.backlog) {
      this.backlog.push(frame);
      return;
    }
    if (this.answeredThisTurn && frame.length >= 4 && frame.readInt32BE(0) === Xid.notification) {
      this.backlog = [frame];
      setImmediate(() => this.drain(connection));
      return;
    }
    this.process(connection, frame);
  }

  /** An answer was delivered: events after it in this turn wait for the next one. */
  answered(): void {
    if (this.answeredThisTurn) return;
    this.answeredThisTurn = true;
    setImmediate(() => {
      this.answeredThisTurn = false;
    });
  }

  /** The connection is gone: what it held back goes with it. */
  reset(): void {
    this.backlog = undefined;
  }

  private drain(connection: ZkConnection): void {
    const frames = this.backlog ?? [];
    this.backlog = undefined;
    for (const frame of frames) {
      if (connection !== this.current()) return;
      try {
        this.push(connection, frame);
      } catch (error) {
        connection.close(error instanceof Error ? error : new Error(String(error)));
        return;
      }
    }
  }
}
