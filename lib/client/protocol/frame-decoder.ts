import { ZkProtocolError } from '../errors/zk-protocol.error.js';

/**
 * Cuts a byte stream into ZooKeeper frames (a 4-byte big-endian length, then that many bytes).
 * A length below zero or above `maxFrameBytes` throws `ZkProtocolError` before anything is
 * buffered for it, so a peer cannot make the client allocate what it claims.
 */
export class FrameDecoder {
  private pending: Buffer | undefined;

  constructor(private readonly maxFrameBytes: number) {}

  /** Feeds a chunk; calls `onFrame` for each complete frame, in order. */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    let bytes = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    while (bytes.length >= 4) {
      const length = bytes.readInt32BE(0);
      if (length < 0 || length > this.maxFrameBytes) {
        throw new ZkProtocolError(
          `Frame of ${length} bytes from ZooKeeper: ` +
            (length < 0 ? 'a negative length' : `over the limit of ${this.maxFrameBytes} bytes`),
        );
      }
      if (bytes.length < 4 + length) break;
      onFrame(bytes.subarray(4, 4 + length));
      bytes = bytes.subarray(4 + length);
    }
    if (bytes.length > 0) this.pending = Buffer.from(bytes);
  }

  /** Bytes of an incomplete frame held back (a stream that ends here was truncated). */
  get buffered(): number {
    return this.pending?.length ?? 0;
  }
}
