/**
 * Bytes from the network that do not make a valid ZooKeeper frame: truncated, oversized, or not
 * what the request asked for. The connection that carried them is closed and the client
 * reconnects; the process never sees anything but this error in a log line.
 */
export class ZkProtocolError extends Error {
  override name = 'ZkProtocolError';

  constructor(
    message: string,
    /** The server or proxy the bytes came from (`host:port`), when known. */
    readonly server?: string,
  ) {
    super(message);
  }
}
