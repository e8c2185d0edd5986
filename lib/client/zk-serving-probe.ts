import { connect, type Socket } from 'node:net';

/** One server of a connect string. */
export interface ZkServerAddress {
  host: string;
  port: number;
}

/**
 * The servers of a connect string (`h1:2181,[::1]:2182/chroot`), in order, without the chroot.
 * The string is assumed valid (see `resolveZkClientOptions`).
 */
export function serverAddresses(connectString: string): ZkServerAddress[] {
  const chrootAt = connectString.indexOf('/');
  const hosts = chrootAt === -1 ? connectString : connectString.slice(0, chrootAt);
  return hosts.split(',').map((entry) => {
    const colon = entry.lastIndexOf(':');
    return {
      host: entry.slice(0, colon).replace(/^\[(.*)\]$/, '$1'),
      port: Number(entry.slice(colon + 1)),
    };
  });
}

/**
 * Asks `server` for a brand-new session by hand (a jute ConnectRequest over a plain Node socket,
 * no native client) and closes it again at once (closeSession). Resolves with the session id when
 * the server granted it: the server is up, has a quorum and serves clients. Rejects when it
 * refuses, drops the connection or does not answer within `timeoutMs`.
 *
 * It is how the client tells "ZooKeeper is back but my native handle cannot get through" from "no
 * server serves", and the tests use it to move a server's zxid. Costs two transactions.
 */
export async function openAndCloseSession(
  { host, port }: ZkServerAddress,
  timeoutMs = 5_000,
): Promise<bigint> {
  const socket = connect({ host, port });
  const frames = frameReader(socket);
  const timer = setTimeout(
    () => socket.destroy(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)),
    timeoutMs,
  );
  timer.unref();
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    // The shortest timeout the server allows (it raises it to its minimum): should the close
    // below not reach it, the session dies on its own soon.
    socket.write(connectRequest(1));
    const connectResponse = await frames.next();
    const sessionId = connectResponse.readBigInt64BE(8);
    if (sessionId === 0n) throw new Error(`${host}:${port} refused a new session`);
    socket.write(closeSessionRequest());
    const reply = await frames.next();
    const err = reply.readInt32BE(12);
    if (err !== 0) throw new Error(`closeSession on ${host}:${port} failed with error ${err}`);
    return sessionId;
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

/** protocolVersion, lastZxidSeen, timeOut, sessionId, passwd (16 zero bytes), readOnly. */
function connectRequest(sessionTimeoutMs: number): Buffer {
  const body = Buffer.alloc(4 + 8 + 4 + 8 + 4 + 16 + 1);
  body.writeInt32BE(0, 0);
  body.writeBigInt64BE(0n, 4);
  body.writeInt32BE(sessionTimeoutMs, 12);
  body.writeBigInt64BE(0n, 16);
  body.writeInt32BE(16, 24);
  return withLength(body);
}

/** RequestHeader { xid: 1, type: closeSession (-11) }. */
function closeSessionRequest(): Buffer {
  const body = Buffer.alloc(8);
  body.writeInt32BE(1, 0);
  body.writeInt32BE(-11, 4);
  return withLength(body);
}

function withLength(body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length, 0);
  return Buffer.concat([length, body]);
}

/** Splits the socket's bytes into length-prefixed frames. */
function frameReader(socket: Socket): { next(): Promise<Buffer> } {
  let buffered = Buffer.alloc(0);
  const frames: Buffer[] = [];
  const waiting: Array<{ resolve(frame: Buffer): void; reject(error: Error): void }> = [];
  let failure: Error | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
      const end = 4 + buffered.readInt32BE(0);
      const frame = buffered.subarray(4, end);
      buffered = buffered.subarray(end);
      const waiter = waiting.shift();
      if (waiter) waiter.resolve(frame);
      else frames.push(frame);
    }
  });
  const fail = (error: Error): void => {
    failure = error;
    for (const waiter of waiting.splice(0)) waiter.reject(error);
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('connection closed before the answer')));
  return {
    next: () => {
      const frame = frames.shift();
      if (frame) return Promise.resolve(frame);
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
  };
}
