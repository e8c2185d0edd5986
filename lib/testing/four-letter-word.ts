import { connect } from 'node:net';

/** Options of {@link fourLetterWord}. */
export interface FourLetterWordOptions {
  /**
   * Reject when the whole answer has not arrived within this time. A server that is still
   * starting can accept the connection and never answer, so every call has a deadline.
   * @default 2000
   */
  timeoutMs?: number;
}

/**
 * Sends a ZooKeeper four-letter word (`ruok`, `srvr`, `mntr`, `wchs`, `cons`, ...) to
 * `host:port` and resolves with the server's text answer (the server closes the connection
 * after answering). The server must whitelist the word (`4lw.commands.whitelist`); the kit's
 * servers whitelist all of them.
 */
export function fourLetterWord(
  host: string,
  port: number,
  word: string,
  options: FourLetterWordOptions = {},
): Promise<string> {
  if (!/^[a-z]{4}$/.test(word)) {
    return Promise.reject(new Error(`Not a four-letter word: '${word}'`));
  }
  const timeoutMs = options.timeoutMs ?? 2000;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`'${word}' to ${host}:${port} got no complete answer within ${timeoutMs} ms`),
      );
    }, timeoutMs);
    socket.on('connect', () => socket.write(word));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`'${word}' to ${host}:${port} failed: ${error.message}`, { cause: error }));
    });
    socket.on('close', (hadError) => {
      clearTimeout(timer);
      if (!hadError) resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** The role a ZooKeeper server reports in `srvr` once it serves clients. */
export type ZooKeeperMode = 'standalone' | 'leader' | 'follower' | 'observer';

/** The fields of a `srvr` answer the kit uses. */
export interface SrvrReport {
  /** `Mode:`; undefined while the server is not serving (e.g. no quorum yet). */
  mode: ZooKeeperMode | undefined;
  /** `Zxid:`, the last transaction id the server has applied. */
  zxid: bigint | undefined;
  /** `Connections:`, the number of client connections. */
  connections: number | undefined;
  /** `Node count:`, the number of znodes. */
  nodeCount: number | undefined;
}

/**
 * Parses the answer to `srvr`. A server without quorum answers "This ZooKeeper instance is not
 * currently serving requests": every field is then undefined.
 */
export function parseSrvr(text: string): SrvrReport {
  const field = (name: string): string | undefined =>
    new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(text)?.[1]?.trim();
  const mode = field('Mode');
  const zxid = field('Zxid');
  const connections = field('Connections');
  const nodeCount = field('Node count');
  return {
    mode: isMode(mode) ? mode : undefined,
    zxid: zxid === undefined ? undefined : BigInt(zxid),
    connections: connections === undefined ? undefined : Number(connections),
    nodeCount: nodeCount === undefined ? undefined : Number(nodeCount),
  };
}

function isMode(value: string | undefined): value is ZooKeeperMode {
  return (
    value === 'standalone' || value === 'leader' || value === 'follower' || value === 'observer'
  );
}

/**
 * The session ids of the client connections listed by `cons` (connections without a session
 * yet are skipped).
 */
export function parseConsSessionIds(text: string): bigint[] {
  return [...text.matchAll(/sid=0x([0-9a-f]+)/gi)].map((match) => BigInt(`0x${match[1]}`));
}

/**
 * A session id as ZooKeeper clients print it (`'1000a3f6c3a0000'`, `'0x1000a3f6c3a0000'`) or as a
 * bigint, as a bigint.
 */
export function toSessionId(sessionId: string | bigint): bigint {
  if (typeof sessionId === 'bigint') return sessionId;
  const hex = sessionId.trim().replace(/^0x/i, '');
  if (!/^[0-9a-f]+$/i.test(hex))
    throw new TypeError(`Not a hexadecimal session id: '${sessionId}'`);
  return BigInt(`0x${hex}`);
}
