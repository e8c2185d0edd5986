import { ZkProtocolError } from '../errors/zk-protocol.error.js';

const MAX_SAFE_LONG = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Reads jute (see `JuteWriter`) from one frame, trusting nothing: every length is checked against
 * what is left of the frame before anything is allocated, so a hostile or corrupt frame ends in a
 * `ZkProtocolError`, never in a huge allocation, an out-of-range read or a crash.
 */
export class JuteReader {
  private at = 0;

  constructor(private readonly bytes: Buffer) {}

  /** Bytes not read yet. */
  get remaining(): number {
    return this.bytes.length - this.at;
  }

  int(): number {
    this.need(4, 'an int');
    const value = this.bytes.readInt32BE(this.at);
    this.at += 4;
    return value;
  }

  /**
   * A long as a JavaScript number: zxids, times and the like stay far below 2^53, so one beyond
   * is corrupt (and a zxid near 2^63 would come back as 2^63, which no ConnectRequest can hold).
   */
  long(): number {
    const value = this.bigLong();
    if (value > MAX_SAFE_LONG || value < -MAX_SAFE_LONG) {
      this.at -= 8;
      throw this.corrupt(`a long past 2^53 (${value})`);
    }
    return Number(value);
  }

  bigLong(): bigint {
    this.need(8, 'a long');
    const value = this.bytes.readBigInt64BE(this.at);
    this.at += 8;
    return value;
  }

  bool(): boolean {
    this.need(1, 'a boolean');
    return this.bytes[this.at++] !== 0;
  }

  ustring(): string {
    const bytes = this.buffer();
    return bytes === null ? '' : bytes.toString('utf8');
  }

  /** A buffer, or null when the writer wrote null (length -1). A view into the frame: copy to keep. */
  buffer(): Buffer | null {
    const length = this.int();
    if (length === -1) return null;
    if (length < -1) throw this.corrupt(`a negative length (${length})`);
    this.need(length, `${length} bytes`);
    const value = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return value;
  }

  /** A vector; its count is checked against the bytes left, at `minItemBytes` per item. */
  vector<T>(readItem: (reader: this) => T, minItemBytes: number): T[] {
    const count = this.int();
    if (count === -1) return [];
    if (count < -1 || count * minItemBytes > this.remaining) {
      throw this.corrupt(`a vector of ${count} items with ${this.remaining} bytes left`);
    }
    const items = new Array<T>(count);
    for (let index = 0; index < count; index++) items[index] = readItem(this);
    return items;
  }

  private need(length: number, what: string): void {
    if (this.bytes.length - this.at < length) {
      throw this.corrupt(`${what} where ${this.bytes.length - this.at} bytes are left`);
    }
  }

  private corrupt(what: string): ZkProtocolError {
    return new ZkProtocolError(
      `Malformed frame from ZooKeeper: ${what} at byte ${this.at} of ${this.bytes.length}`,
    );
  }
}
