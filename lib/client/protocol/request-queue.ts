import { ZkProtocolError } from '../errors/zk-protocol.error.js';
import type { Complete } from '../zk-handle.js';
import type { JuteReader } from './jute-reader.js';
import type { ZkConnection } from './zk-connection.js';

/** A request sent, or waiting to be sent once connected. */
export interface Request {
  xid: number;
  frame: Buffer;
  /** Reads the answer's body; called only when the answer's error code is 0. */
  read: ((reader: JuteReader) => unknown) | undefined;
  done: Complete<unknown>;
}

/**
 * The requests of one session, in order: those sent and not answered yet (a server answers in
 * the order it was asked, so each answer is for the oldest of them), and those waiting for a
 * connection with a session.
 */
export class RequestQueue {
  private readonly inFlight: Request[] = [];
  /** The oldest request in flight: taking it moves the head instead of shifting the array. */
  private inFlightHead = 0;
  private readonly queued: Request[] = [];

  /** Sends `request` on `connection`, or keeps it for `sendQueued` when there is none. */
  submit(request: Request, connection: ZkConnection | undefined): void {
    if (connection) this.send(connection, request);
    else this.queued.push(request);
  }

  /** A session is established on `connection`: what waited for one goes out. */
  sendQueued(connection: ZkConnection): void {
    for (const request of this.queued.splice(0)) this.send(connection, request);
  }

  /** The request the answer with `xid` is for: the oldest in flight, or it is a protocol error. */
  take(xid: number): Request {
    const request = this.inFlight[this.inFlightHead];
    if (!request || request.xid !== xid) {
      throw new ZkProtocolError(
        `Answer for request ${xid} from ZooKeeper, but ${request ? `request ${request.xid}` : 'none'} was next`,
      );
    }
    this.inFlight[this.inFlightHead++] = undefined as unknown as Request;
    if (this.inFlightHead === this.inFlight.length) {
      this.inFlight.length = 0;
      this.inFlightHead = 0;
    }
    return request;
  }

  /** Takes every request, sent or queued: none of them will be answered. */
  takeAll(): Request[] {
    const waiting = [...this.inFlight.slice(this.inFlightHead), ...this.queued.splice(0)];
    this.inFlight.length = 0;
    this.inFlightHead = 0;
    return waiting;
  }

  private send(connection: ZkConnection, request: Request): void {
    this.inFlight.push(request);
    connection.send(request.frame);
  }
}
