import { JuteReader } from './protocol/jute-reader.js';
import { JuteWriter } from './protocol/jute-writer.js';
import { DEFAULT_MAX_FRAME_BYTES, NO_PASSWORD, OpCode } from './protocol/protocol.constants.js';
import { readConnectResponse, readReplyHeader, writeConnectRequest } from './protocol/records.js';
import { ZkConnection } from './protocol/zk-connection.js';
import type { ZkTlsOptions } from './zk-client.options.js';
import type { ZkServerAddress } from './zk-server-address.js';

/**
 * Asks `server` for a brand-new session by hand (a ConnectRequest on a connection of its own, no
 * client session) and closes it again at once (closeSession). Resolves with the session id when
 * the server granted it: the server is up, has a quorum and serves clients. Rejects when it
 * refuses, drops the connection or does not answer within `timeoutMs`. `tls` for servers'
 * `secureClientPort`.
 *
 * It is how the client tells "ZooKeeper is back but my handle cannot get through" from "no server
 * serves", and the tests use it to move a server's zxid. Costs two transactions.
 */
export function openAndCloseSession(
  server: ZkServerAddress,
  timeoutMs = 5_000,
  tls?: ZkTlsOptions,
): Promise<bigint> {
  return new Promise<bigint>((resolve, reject) => {
    let sessionId: bigint | undefined;
    let granted = false;
    const connection: ZkConnection = new ZkConnection(
      server,
      { tls, maxFrameBytes: DEFAULT_MAX_FRAME_BYTES, keepProcessAlive: true },
      {
        open: () => connection.send(newSessionRequest()),
        frame: (frame) => {
          const reader = new JuteReader(frame);
          if (sessionId === undefined) {
            sessionId = readConnectResponse(reader).sessionId;
            if (sessionId === 0n)
              connection.close(new Error(`${connection.server} refused a new session`));
            else connection.send(new JuteWriter(16).int(1).int(OpCode.closeSession).frame());
            return;
          }
          const { err } = readReplyHeader(reader);
          if (err !== 0) {
            connection.close(
              new Error(`closeSession on ${connection.server} failed with error ${err}`),
            );
            return;
          }
          granted = true;
          connection.close();
        },
        closed: (error) => {
          clearTimeout(timer);
          if (granted && sessionId !== undefined) resolve(sessionId);
          else
            reject(
              error ?? new Error(`${connection.server} closed the connection before the answer`),
            );
        },
      },
    );
    const timer = setTimeout(
      () =>
        connection.close(new Error(`no answer from ${connection.server} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    timer.unref();
  });
}

/**
 * A ConnectRequest for a new session with the shortest timeout the server allows (it raises it to
 * its minimum): should the closeSession not reach it, the session dies on its own soon.
 */
function newSessionRequest(): Buffer {
  const writer = new JuteWriter(64);
  writeConnectRequest(writer, {
    lastZxidSeen: 0,
    timeOut: 1,
    sessionId: 0n,
    passwd: NO_PASSWORD,
    readOnly: false,
  });
  return writer.frame();
}
