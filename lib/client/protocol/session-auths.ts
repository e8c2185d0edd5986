import type { Complete } from '../zk-handle.js';
import { JuteWriter } from './jute-writer.js';
import { OpCode, Xid } from './protocol.constants.js';
import type { ZkConnection } from './zk-connection.js';

/**
 * The credentials of a session (`addAuth`). A server holds them per connection, so they are sent
 * again on every connection; each one's `done` hears the first answer to it. Auth packets are
 * answered in order, without an xid of their own.
 */
export class SessionAuths {
  private readonly auths: Array<{ scheme: string; credentials: Buffer; done?: Complete<void> }> =
    [];
  /** Callbacks of auth packets sent and not answered yet, in order. */
  private readonly replies: Array<Complete<void> | undefined> = [];

  /** Adds credentials: sent now on `connection` when it has a session, else with the next one. */
  add(
    scheme: string,
    credentials: string,
    done: Complete<void>,
    connection: ZkConnection | undefined,
  ): void {
    const bytes = Buffer.from(credentials, 'utf8');
    if (connection) {
      this.auths.push({ scheme, credentials: bytes });
      this.replies.push(done);
      connection.send(authFrame(scheme, bytes));
    } else this.auths.push({ scheme, credentials: bytes, done });
  }

  /** A session is established on `connection`: every credential goes out on it. */
  sendAll(connection: ZkConnection): void {
    for (const auth of this.auths) {
      this.replies.push(auth.done);
      auth.done = undefined;
      connection.send(authFrame(auth.scheme, auth.credentials));
    }
  }

  /** The answer to the oldest auth packet. */
  answered(err: number): void {
    this.replies.shift()?.(err);
  }

  /** The connection is gone, and the answers of its packets with it. */
  connectionLost(): void {
    this.replies.length = 0;
  }
}

function authFrame(scheme: string, credentials: Buffer): Buffer {
  return new JuteWriter(128)
    .int(Xid.auth)
    .int(OpCode.auth)
    .int(0)
    .ustring(scheme)
    .buffer(credentials)
    .frame();
}
