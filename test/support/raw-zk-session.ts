import { connect, type Socket } from 'node:net';

/**
 * Opens a ZooKeeper session by hand (a jute ConnectRequest, no client library) and closes it
 * (a closeSession request): two transactions, so the server's zxid moves. The kit's own tests
 * use it because they must not depend on lib/client. Resolves with the session id.
 */
export async function openAndCloseRawSession(
  host: string,
  port: number,
  timeoutMs = 5_000,
): Promise<bigint> {
  const socket = connect({ host, port });
  const frames = frameReader(socket);
  const timer = setTimeout(
    () => socket.destroy(new Error(`raw session to ${host}:${port} timed out`)),
    timeoutMs,
  );
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.write(connectRequest(30_000));
    const connectResponse = await frames.next();
    const sessionId = connectResponse.readBigInt64BE(8);
    if (sessionId === 0n) throw new Error(`${host}:${port} refused the session`);
    socket.write(closeSessionRequest());
    const reply = await frames.next();
    const err = reply.readInt32BE(12);
    if (err !== 0) throw new Error(`closeSession failed with error ${err}`);
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
