import { ZkProtocolError } from '../errors/zk-protocol.error.js';

/**
 * Cuts a byte stream into ZooKeeper frames (a 4-byte big-endian length, then that many bytes).
 * A length below zero or above `maxFrameBytes` throws `ZkProtocolError` before anything is
 * buffered for it, so a peer cannot make the client allocate what it claims.
 */
export class FrameDecoder {
  /**
   * The chunks of an incomplete frame, joined once it is whole (a frame that trickles in is
   * copied once, not once per chunk), their total, and the bytes it needs, length included.
   */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private wanted = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Feeds a chunk; calls `onFrame` for each complete frame, in order. */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    let bytes = chunk;
    if (this.pendingBytes > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes < this.wanted) return;
      bytes = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
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
    if (bytes.length > 0) {
      this.pending = [Buffer.from(bytes)];
      this.pendingBytes = bytes.length;
      this.wanted = bytes.length < 4 ? 4 : 4 + bytes.readInt32BE(0);
    }
  }

  /** Bytes of an incomplete frame held back (a stream that ends here was truncated). */
  get buffered(): number {
    return this.pendingBytes;
  }
}
