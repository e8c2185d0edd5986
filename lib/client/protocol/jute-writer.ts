/**
 * Writes jute, ZooKeeper's binary record format: big-endian integers, a boolean as one byte,
 * strings and buffers as an int length (-1 for null) then the bytes, vectors as an int count then
 * the items. Frames start with their own length, which {@link JuteWriter.frame} fills in last.
 */
export class JuteWriter {
  private bytes: Buffer;
  private at = 4;

  constructor(initialSize = 256) {
    this.bytes = Buffer.allocUnsafe(Math.max(initialSize, 16));
  }

  int(value: number): this {
    this.room(4);
    this.bytes.writeInt32BE(value, this.at);
    this.at += 4;
    return this;
  }

  long(value: number | bigint): this {
    this.room(8);
    this.bytes.writeBigInt64BE(BigInt(value), this.at);
    this.at += 8;
    return this;
  }

  bool(value: boolean): this {
    this.room(1);
    this.bytes[this.at++] = value ? 1 : 0;
    return this;
  }

  ustring(value: string | null): this {
    if (value === null) return this.int(-1);
    const length = Buffer.byteLength(value, 'utf8');
    this.room(4 + length);
    this.bytes.writeInt32BE(length, this.at);
    this.bytes.write(value, this.at + 4, length, 'utf8');
    this.at += 4 + length;
    return this;
  }

  buffer(value: Uint8Array | null): this {
    if (value === null) return this.int(-1);
    this.room(4 + value.length);
    this.bytes.writeInt32BE(value.length, this.at);
    this.bytes.set(value, this.at + 4);
    this.at += 4 + value.length;
    return this;
  }

  vector<T>(items: readonly T[] | null, writeItem: (writer: this, item: T) => void): this {
    if (items === null) return this.int(-1);
    this.int(items.length);
    for (const item of items) writeItem(this, item);
    return this;
  }

  /** The frame: its length (everything after the 4 length bytes), then what was written. */
  frame(): Buffer {
    this.bytes.writeInt32BE(this.at - 4, 0);
    return this.bytes.subarray(0, this.at);
  }

  private room(needed: number): void {
    if (this.at + needed <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.at + needed));
    this.bytes.copy(grown, 0, 0, this.at);
    this.bytes = grown;
  }
}
