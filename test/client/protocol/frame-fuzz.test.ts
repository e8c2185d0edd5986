import { describe, expect, it } from 'vitest';
import { ZkProtocolError } from '../../../lib/client/errors/zk-protocol.error.js';
import { FrameDecoder } from '../../../lib/client/protocol/frame-decoder.js';
import { JuteReader } from '../../../lib/client/protocol/jute-reader.js';
import { DEFAULT_MAX_FRAME_BYTES } from '../../../lib/client/protocol/protocol.constants.js';
import { readReplyHeader, readString } from '../../../lib/client/protocol/records.js';
import {
  type FuzzSummary,
  fuzz,
  generateCase,
  RESPONSE_KINDS,
  readResponse,
  runCase,
} from '../../support/protocol-fuzz.js';

/** Fixed: every run checks the same cases. Longer runs with other seeds: `npm run fuzz`. */
const SEED = 0x2b1d5eed;
const CASES = 100_000;

function report(summary: FuzzSummary): string {
  return (
    `${summary.failed} of ${summary.cases} cases broke the invariant (seed ${summary.seed}); ` +
    'replay one with the command in its `replay` field'
  );
}

function lengthThen(value: number, bytesAfter: number): Buffer {
  const bytes = Buffer.alloc(4 + bytesAfter);
  bytes.writeInt32BE(value, 0);
  return bytes;
}

describe('bytes from ZooKeeper are hostile: each frame decodes or is a ZkProtocolError', () => {
  it(`${CASES.toLocaleString('en')} seeded cases of random and mutated frames`, () => {
    const summary = fuzz({ seed: SEED, cases: CASES });
    expect(summary.failures, report(summary)).toEqual([]);
    // The cases reach every ending, and every kind of valid answer decodes.
    for (const count of Object.values(summary.outcomes)) expect(count).toBeGreaterThan(1_000);
    for (const kind of RESPONSE_KINDS) expect(summary.cleanDecoded[kind]).toBeGreaterThan(100);
  });

  it('a case replays from its seed and index alone', () => {
    const first = generateCase(SEED, 31_337);
    expect(generateCase(SEED, 31_337)).toEqual(first);
    expect(generateCase(SEED, 31_338).stream.equals(first.stream)).toBe(false);
    expect(runCase(generateCase(SEED, 31_337))).toEqual(runCase(first));
  });

  it('a vector count of 2^31 - 1 with 10 bytes left throws before any item is read or allocated', () => {
    for (const count of [0x7fffffff, 0x40000000, 3, -2, -0x80000000]) {
      let items = 0;
      const reader = new JuteReader(lengthThen(count, 10));
      expect(() =>
        reader.vector((item) => {
          items++;
          return readString(item);
        }, 4),
      ).toThrow(ZkProtocolError);
      expect(items).toBe(0);
    }
  });

  it('a buffer or string length of 2^31 - 1 with 10 bytes left throws', () => {
    expect(() => new JuteReader(lengthThen(0x7fffffff, 10)).buffer()).toThrow(ZkProtocolError);
    expect(() => new JuteReader(lengthThen(11, 10)).ustring()).toThrow(ZkProtocolError);
    expect(() => new JuteReader(lengthThen(-2, 10)).ustring()).toThrow(ZkProtocolError);
  });

  it('a frame length over jute.maxbuffer or below zero is refused on its 4 bytes', () => {
    for (const length of [DEFAULT_MAX_FRAME_BYTES + 1, 0x7fffffff, -1, -0x80000000]) {
      const decoder = new FrameDecoder(DEFAULT_MAX_FRAME_BYTES);
      expect(() => decoder.push(lengthThen(length, 0), () => {})).toThrow(ZkProtocolError);
    }
  });

  it('a frame that claims 0xfffff bytes holds only the bytes that came', () => {
    const decoder = new FrameDecoder(DEFAULT_MAX_FRAME_BYTES);
    const frames: Buffer[] = [];
    const whole = lengthThen(DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_FRAME_BYTES);
    decoder.push(whole.subarray(0, 14), (frame) => frames.push(frame));
    expect(decoder.buffered).toBe(14);
    for (let at = 14; at < whole.length; at += 65_536) {
      decoder.push(whole.subarray(at, at + 65_536), (frame) => frames.push(frame));
    }
    expect(frames.map((frame) => frame.length)).toEqual([DEFAULT_MAX_FRAME_BYTES]);
    expect(decoder.buffered).toBe(0);
  });

  it('a 1 MiB frame that trickles in a byte at a time is put together in linear time', () => {
    const decoder = new FrameDecoder(DEFAULT_MAX_FRAME_BYTES);
    const whole = lengthThen(DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_FRAME_BYTES);
    const frames: Buffer[] = [];
    const started = performance.now();
    for (let at = 0; at < whole.length; at++) {
      decoder.push(whole.subarray(at, at + 1), (frame) => frames.push(frame));
    }
    // Copying what is held on each byte took minutes; one copy per frame takes well under this.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(frames.map((frame) => frame.length)).toEqual([DEFAULT_MAX_FRAME_BYTES]);
  });

  it('a zxid past 2^53 is a ZkProtocolError, not a number the next ConnectRequest cannot hold', () => {
    for (const zxid of [0x7fffffffffffffffn, 0x7ffffffffffffe00n, 2n ** 53n, -(2n ** 53n)]) {
      const header = Buffer.alloc(16);
      header.writeInt32BE(7, 0);
      header.writeBigInt64BE(zxid, 4);
      expect(() => readReplyHeader(new JuteReader(header))).toThrow(ZkProtocolError);
      expect(() => readResponse('header', header)).toThrow(ZkProtocolError);
    }
    const header = Buffer.alloc(16);
    header.writeBigInt64BE(2n ** 53n - 1n, 4);
    expect(readReplyHeader(new JuteReader(header)).zxid).toBe(2 ** 53 - 1);
  });
});
