/**
 * A seeded fuzzer of the bytes our protocol client reads (lib/client/protocol): valid frames of
 * every response the client reads, built with `JuteWriter`, then mutated (bit flips, byte
 * replacement, truncation, corrupt length fields and longs, splicing, duplication, insertion,
 * deletion), plus random byte strings; each stream is fed to `FrameDecoder` in random pieces and
 * each frame read with the record readers `ProtocolHandle` uses for that answer.
 *
 * The invariant: a case decodes, or throws `ZkProtocolError`; anything else thrown is a failure,
 * and so is a decode that materializes more than its frame's bytes can describe, a decoder that
 * cuts different frames when the same bytes arrive in pieces, or a valid frame refused.
 *
 * Case `i` of seed `s` depends on nothing else: `generateCase(s, i)` replays it
 * (`npm run fuzz -- --seed s --case i`). Used by test/client/protocol/frame-fuzz.test.ts (a fixed
 * seed in every `npm test`) and scripts/fuzz-protocol.mjs (long runs). Needs no vitest.
 */
import { ZkProtocolError } from '../../lib/client/errors/zk-protocol.error.js';
import { FrameDecoder } from '../../lib/client/protocol/frame-decoder.js';
import { JuteReader } from '../../lib/client/protocol/jute-reader.js';
import { JuteWriter } from '../../lib/client/protocol/jute-writer.js';
import {
  DEFAULT_MAX_FRAME_BYTES,
  NO_PASSWORD,
  OpCode,
  Xid,
} from '../../lib/client/protocol/protocol.constants.js';
import {
  readAcl,
  readClientInfo,
  readConnectResponse,
  readMultiResponse,
  readReplyHeader,
  readStat,
  readString,
  readWatcherEvent,
  writeConnectRequest,
} from '../../lib/client/protocol/records.js';
import { IntegerDraws } from '../../lib/sd/lb/integer-draws.js';

/** The answers the client reads, each named by the request (or event) it answers. */
export const RESPONSE_KINDS = [
  'connect',
  'stat',
  'getData',
  'getChildren2',
  'getACL',
  'create2',
  'multi',
  'notification',
  'getEphemerals',
  'whoAmI',
  'header',
] as const;

export type ResponseKind = (typeof RESPONSE_KINDS)[number];

/** The body of each reply after its `ReplyHeader`, read as `ProtocolHandle.makeOps` reads it. */
const BODY_READERS: Record<Exclude<ResponseKind, 'connect'>, (reader: JuteReader) => unknown> = {
  // exists, setData
  stat: (reader) => readStat(reader),
  getData: (reader) => ({ data: reader.buffer() ?? Buffer.alloc(0), stat: readStat(reader) }),
  getChildren2: (reader) => ({ children: reader.vector(readString, 4), stat: readStat(reader) }),
  getACL: (reader) => ({ acl: reader.vector(readAcl, 12), stat: readStat(reader) }),
  create2: (reader) => ({ path: reader.ustring(), stat: readStat(reader) }),
  multi: (reader) => readMultiResponse(reader),
  notification: (reader) => readWatcherEvent(reader),
  getEphemerals: (reader) => reader.vector(readString, 4),
  whoAmI: (reader) => reader.vector(readClientInfo, 8),
  // pings, auth and SetWatches answers, delete, setACL, errors: the header alone
  header: () => undefined,
};

/**
 * Reads one frame (without its length) as the answer `kind`, and writes back what the client
 * sends from it on its next connect: the session id and password of a ConnectResponse, the zxid
 * of a ReplyHeader (a value the reader let through must be one the writer takes).
 */
export function readResponse(kind: ResponseKind, frame: Buffer): unknown {
  const reader = new JuteReader(frame);
  const echo = new JuteWriter(64);
  if (kind === 'connect') {
    const response = readConnectResponse(reader);
    writeConnectRequest(echo, {
      lastZxidSeen: 0,
      timeOut: 30_000,
      sessionId: response.sessionId,
      passwd: response.passwd,
      readOnly: response.readOnly,
    });
    return response;
  }
  const header = readReplyHeader(reader);
  writeConnectRequest(echo, {
    lastZxidSeen: header.zxid,
    timeOut: 30_000,
    sessionId: 0n,
    passwd: NO_PASSWORD,
    readOnly: false,
  });
  return { header, body: BODY_READERS[kind](reader) };
}

/** Draws of one case, from `IntegerDraws` (xorshift32, draws in [0, 2^30)). */
export class FuzzRandom {
  private readonly draws: IntegerDraws;

  constructor(seed: number) {
    this.draws = new IntegerDraws(seed);
  }

  /** An integer in [0, n), n at most 2^30. */
  below(n: number): number {
    return this.draws.next() % n;
  }

  chance(percent: number): boolean {
    return this.below(100) < percent;
  }

  u32(): number {
    return ((this.draws.next() << 2) ^ this.draws.next()) >>> 0;
  }

  int32(): number {
    return this.u32() | 0;
  }

  long(): bigint {
    return BigInt.asIntN(64, (BigInt(this.u32()) << 32n) | BigInt(this.u32()));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  bytes(length: number): Buffer {
    const bytes = Buffer.allocUnsafe(length);
    for (let index = 0; index < length; index++) bytes[index] = this.draws.next() & 0xff;
    return bytes;
  }
}

/** The draws of case `index` of `seed`: a hash of both, so that any case replays on its own. */
export function caseRandom(seed: number, index: number): FuzzRandom {
  let hash = Math.imul(seed ^ 0x5bd1e995, 0x85ebca6b) ^ Math.imul(index + 1, 0x9e3779b9);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return new FuzzRandom(hash);
}

/** A valid frame (with its length), and where its length fields and longs are. */
export interface BuiltFrame {
  kind: ResponseKind;
  bytes: Buffer;
  /** Offsets of the frame length (0), string and buffer lengths and vector counts. */
  lengths: number[];
  /** Offsets of the longs (zxids, times, session ids). */
  longs: number[];
}

/** A `JuteWriter` that notes where the length fields and longs go. */
class FrameBuilder {
  private readonly writer = new JuteWriter(128);
  private readonly lengths = [0];
  private readonly longs: number[] = [];

  constructor(readonly random: FuzzRandom) {}

  int(value: number): this {
    this.writer.int(value);
    return this;
  }

  long(value: number | bigint): this {
    this.longs.push(this.offset());
    this.writer.long(value);
    return this;
  }

  bool(value: boolean): this {
    this.writer.bool(value);
    return this;
  }

  ustring(value: string | null): this {
    this.lengths.push(this.offset());
    this.writer.ustring(value);
    return this;
  }

  buffer(value: Buffer | null): this {
    this.lengths.push(this.offset());
    this.writer.buffer(value);
    return this;
  }

  /** A vector: its count (-1 for null), then each item. */
  vector<T>(items: readonly T[] | null, writeItem: (item: T) => void): this {
    this.lengths.push(this.offset());
    this.writer.int(items === null ? -1 : items.length);
    for (const item of items ?? []) writeItem(item);
    return this;
  }

  build(kind: ResponseKind): BuiltFrame {
    return {
      kind,
      bytes: Buffer.from(this.writer.frame()),
      lengths: this.lengths,
      longs: this.longs,
    };
  }

  /** Where the next field goes in the frame (its length included). */
  private offset(): number {
    return this.writer.frame().length;
  }
}

const SEGMENT_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789-_.';
const WIDE_CHARS = ['é', '€', '中', '𝄞', '\u0000', '\uFFFD'];

function path(random: FuzzRandom): string | null {
  if (random.chance(3)) return null;
  if (random.chance(3)) return '';
  const segments = random.chance(1) ? 60 : random.below(5);
  let text = '';
  for (let segment = 0; segment <= segments; segment++) {
    text += '/';
    const length = random.below(12);
    for (let index = 0; index < length; index++) {
      text += random.chance(4)
        ? random.pick(WIDE_CHARS)
        : SEGMENT_CHARS[random.below(SEGMENT_CHARS.length)];
    }
  }
  return text;
}

function data(random: FuzzRandom): Buffer | null {
  if (random.chance(10)) return null;
  return random.bytes(random.chance(2) ? random.below(4096) : random.below(64));
}

function zxid(random: FuzzRandom): number {
  return random.below(4) * 2 ** 32 + random.below(1_000_000);
}

function writeStat(builder: FrameBuilder): void {
  const { random } = builder;
  builder
    .long(zxid(random))
    .long(zxid(random))
    .long(1_700_000_000_000 + random.below(1 << 30))
    .long(1_700_000_000_000 + random.below(1 << 30))
    .int(random.below(100))
    .int(random.below(100))
    .int(random.below(10))
    .long(random.chance(50) ? 0n : random.long())
    .int(random.below(1 << 20))
    .int(random.below(1000))
    .long(zxid(random));
}

function writeHeader(builder: FrameBuilder, xid: number, err = 0): void {
  builder.int(xid).long(zxid(builder.random)).int(err);
}

function some<T>(random: FuzzRandom, make: () => T, most = 8): T[] | null {
  if (random.chance(5)) return null;
  return Array.from({ length: random.below(most + 1) }, make);
}

/** The multi results: header (type, done, err) then body, ended by a `done` header. */
function writeMultiResults(builder: FrameBuilder): void {
  const { random } = builder;
  const count = random.below(5);
  for (let index = 0; index < count; index++) {
    const type = random.pick([
      OpCode.create,
      OpCode.create2,
      OpCode.delete,
      OpCode.setData,
      OpCode.check,
      OpCode.error,
    ]);
    const err = type === OpCode.error ? random.pick([0, -101, -110, -103, -2]) : 0;
    builder.int(type).bool(false).int(err);
    if (type === OpCode.create) builder.ustring(path(random));
    else if (type === OpCode.create2) {
      builder.ustring(path(random));
      writeStat(builder);
    } else if (type === OpCode.setData) writeStat(builder);
    else if (type === OpCode.error) builder.int(err);
  }
  builder.int(-1).bool(true).int(-1);
}

/** A valid frame of `kind`, with random contents. */
export function buildFrame(random: FuzzRandom, kind: ResponseKind): BuiltFrame {
  const builder = new FrameBuilder(random);
  const xid = 1 + random.below(1 << 20);
  switch (kind) {
    case 'connect':
      builder.int(0).int(random.below(60_000)).long(random.long()).buffer(random.bytes(16));
      // Servers before 3.4 leave readOnly out.
      if (random.chance(85)) builder.bool(random.chance(10));
      break;
    case 'stat':
      writeHeader(builder, xid);
      writeStat(builder);
      break;
    case 'getData':
      writeHeader(builder, xid);
      builder.buffer(data(random));
      writeStat(builder);
      break;
    case 'getChildren2':
      writeHeader(builder, xid);
      builder.vector(
        some(random, () => path(random)),
        (child) => builder.ustring(child),
      );
      writeStat(builder);
      break;
    case 'getACL':
      writeHeader(builder, xid);
      builder.vector(
        some(random, () => random.below(32), 4),
        (perms) =>
          builder
            .int(perms)
            .ustring(random.pick(['world', 'digest', 'ip', 'x509']))
            .ustring(path(random)),
      );
      writeStat(builder);
      break;
    case 'create2':
      writeHeader(builder, xid);
      builder.ustring(path(random));
      writeStat(builder);
      break;
    case 'multi':
      writeHeader(builder, xid);
      writeMultiResults(builder);
      break;
    case 'notification':
      builder.int(Xid.notification).long(-1).int(0);
      builder
        .int(random.pick([-1, 1, 2, 3, 4, 5, 6, 7]))
        .int(3)
        .ustring(path(random));
      break;
    case 'getEphemerals':
      writeHeader(builder, xid);
      builder.vector(
        some(random, () => path(random)),
        (ephemeral) => builder.ustring(ephemeral),
      );
      break;
    case 'whoAmI':
      writeHeader(builder, xid);
      builder.vector(
        some(random, () => random.below(3), 3),
        () => builder.ustring(random.pick(['ip', 'digest', 'sasl'])).ustring(path(random)),
      );
      break;
    case 'header':
      if (random.chance(50))
        writeHeader(builder, random.pick([Xid.ping, Xid.auth, Xid.setWatches]));
      else writeHeader(builder, xid, random.pick([-4, -101, -102, -103, -110, -112, -115]));
      break;
  }
  return builder.build(kind);
}

/** One case: the bytes that arrive, in which pieces, and how each frame is read. */
export interface FuzzCase {
  seed: number;
  index: number;
  /** How the bytes were made, e.g. `getData: length, flip` (for the report). */
  origin: string;
  stream: Buffer;
  /** Lengths of the pieces the stream arrives in. */
  chunks: number[];
  /** The answer each frame is read as, in order (the last one for any frame beyond). */
  readAs: ResponseKind[];
  /** Valid frames, untouched: they must decode. */
  clean: boolean;
}

const INTERESTING_INTS = [
  -1, -2, -0x80000000, 0x7fffffff, 0, 1, 3, 4, 0xfffff, 0x100000, 0x40000000, 0x3fffffff,
];
const INTERESTING_LONGS = [
  0x7fffffffffffffffn,
  -0x8000000000000000n,
  0x7ffffffffffffe00n,
  -1n,
  0n,
  2n ** 53n,
  2n ** 53n + 1n,
  -(2n ** 53n) - 1n,
  0xffffffffn,
];

const MUTATIONS = [
  'flip',
  'byte',
  'length',
  'long',
  'int',
  'truncate',
  'splice',
  'duplicate',
  'insert',
  'delete',
] as const;

/** Applies one to three mutations to a frame; returns the bytes and what was done. */
function mutate(random: FuzzRandom, frame: BuiltFrame): { bytes: Buffer; steps: string[] } {
  let bytes = Buffer.from(frame.bytes);
  const steps: string[] = [];
  let lengthSet = false;
  const count = 1 + random.below(3);
  for (let step = 0; step < count; step++) {
    const mutation = random.pick(MUTATIONS);
    steps.push(mutation);
    const at = () => random.below(bytes.length + 1);
    switch (mutation) {
      case 'flip':
        for (let flips = 1 + random.below(8); flips > 0 && bytes.length > 0; flips--) {
          bytes[random.below(bytes.length)] ^= 1 << random.below(8);
        }
        break;
      case 'byte':
        for (let changes = 1 + random.below(4); changes > 0 && bytes.length > 0; changes--) {
          bytes[random.below(bytes.length)] = random.pick([
            0,
            0xff,
            0x7f,
            0x80,
            1,
            random.below(256),
          ]);
        }
        break;
      case 'length': {
        const offset = random.pick(frame.lengths);
        if (offset + 4 > bytes.length) break;
        const left = bytes.length - offset - 4;
        const value = random.pick([...INTERESTING_INTS, left, left + 1, left - 1, random.int32()]);
        bytes.writeInt32BE(value | 0, offset);
        if (offset === 0) lengthSet = true;
        break;
      }
      case 'long': {
        if (frame.longs.length === 0) break;
        const offset = random.pick(frame.longs);
        if (offset + 8 > bytes.length) break;
        bytes.writeBigInt64BE(random.pick([...INTERESTING_LONGS, random.long()]), offset);
        break;
      }
      case 'int': {
        if (bytes.length < 4) break;
        const offset = random.below(bytes.length - 3);
        bytes.writeInt32BE(random.pick([...INTERESTING_INTS, random.int32()]), offset);
        if (offset === 0) lengthSet = true;
        break;
      }
      case 'truncate':
        bytes = bytes.subarray(0, random.below(bytes.length + 1));
        break;
      case 'splice': {
        const other = buildFrame(random, random.pick(RESPONSE_KINDS)).bytes;
        bytes = Buffer.concat([
          bytes.subarray(0, at()),
          other.subarray(random.below(other.length + 1)),
        ]);
        break;
      }
      case 'duplicate': {
        const start = at();
        const end = Math.min(bytes.length, start + random.below(64));
        const into = at();
        bytes = Buffer.concat([
          bytes.subarray(0, into),
          bytes.subarray(start, end),
          bytes.subarray(into),
        ]);
        break;
      }
      case 'insert': {
        const into = at();
        bytes = Buffer.concat([
          bytes.subarray(0, into),
          random.bytes(1 + random.below(16)),
          bytes.subarray(into),
        ]);
        break;
      }
      case 'delete': {
        const start = at();
        bytes = Buffer.concat([
          bytes.subarray(0, start),
          bytes.subarray(start + 1 + random.below(16)),
        ]);
        break;
      }
    }
  }
  // Most of the time the frame's length fits what is left, so the mutation reaches the readers.
  if (!lengthSet && bytes.length >= 4 && random.chance(65)) bytes.writeInt32BE(bytes.length - 4, 0);
  return { bytes, steps };
}

function randomBytesCase(random: FuzzRandom): { origin: string; stream: Buffer } {
  switch (random.below(3)) {
    case 0:
      return { origin: 'random bytes', stream: random.bytes(random.below(48)) };
    case 1: {
      // A well-framed random body: it reaches the record readers.
      const body = random.bytes(random.below(128));
      const length = Buffer.alloc(4);
      length.writeInt32BE(body.length);
      return { origin: 'random body in a frame', stream: Buffer.concat([length, body]) };
    }
    default: {
      const length = Buffer.alloc(4);
      length.writeInt32BE(random.below(96));
      return {
        origin: 'random bytes after a small length',
        stream: Buffer.concat([length, random.bytes(random.below(96))]),
      };
    }
  }
}

/** Case `index` of `seed`: the same every time. */
export function generateCase(seed: number, index: number): FuzzCase {
  const random = caseRandom(seed, index);
  const readAs: ResponseKind[] = [];
  let origin: string;
  let stream: Buffer;
  let clean = false;
  const roll = random.below(100);
  if (roll < 12) {
    ({ origin, stream } = randomBytesCase(random));
    readAs.push(random.pick(RESPONSE_KINDS));
  } else {
    // Valid frames around the one mutated (none mutated: a clean case).
    clean = roll < 17;
    const kind = random.pick(RESPONSE_KINDS);
    const before = random.chance(20) ? [buildFrame(random, random.pick(RESPONSE_KINDS))] : [];
    const target = buildFrame(random, kind);
    const after = Array.from({ length: random.chance(30) ? 1 + random.below(2) : 0 }, () =>
      buildFrame(random, random.pick(RESPONSE_KINDS)),
    );
    const mutated = clean ? { bytes: target.bytes, steps: [] } : mutate(random, target);
    stream = Buffer.concat([
      ...before.map((frame) => frame.bytes),
      mutated.bytes,
      ...after.map((frame) => frame.bytes),
    ]);
    for (const frame of [...before, target, ...after]) readAs.push(frame.kind);
    // Now and then a frame is read as another answer than it is.
    if (!clean && random.chance(15)) readAs[before.length] = random.pick(RESPONSE_KINDS);
    origin = clean
      ? `clean ${readAs.join(' + ')}`
      : `${kind}${before.length + after.length > 0 ? ` (frame ${before.length + 1} of ${readAs.length})` : ''}: ${mutated.steps.join(', ')}`;
  }
  return { seed, index, origin, stream, chunks: pieces(random, stream.length), readAs, clean };
}

/** Lengths of the pieces `length` bytes arrive in: one piece, or cut at a few random places. */
function pieces(random: FuzzRandom, length: number): number[] {
  if (length === 0 || random.chance(40)) return [length];
  const cuts = new Set<number>();
  for (let count = 1 + random.below(6); count > 0; count--) cuts.add(1 + random.below(length));
  const sorted = [...cuts].sort((a, b) => a - b);
  const chunks: number[] = [];
  let from = 0;
  for (const cut of sorted) {
    if (cut > from && cut < length) chunks.push(cut - from);
    if (cut < length) from = cut;
  }
  chunks.push(length - from);
  return chunks;
}

/** How a case ended: every frame read, a frame refused by the decoder or a reader, or cut short. */
export type FuzzOutcome = 'decoded' | 'frame-rejected' | 'record-rejected' | 'truncated';

export interface CaseResult {
  outcome: FuzzOutcome;
  /** Frames the decoder cut. */
  frames: number;
  /** What broke the invariant, when something did. */
  failure?: string;
}

/** Feeds a case to a `FrameDecoder` and reads its frames; checks the invariant. */
export function runCase(fuzzCase: FuzzCase): CaseResult {
  const { stream, chunks, readAs } = fuzzCase;
  const decoder = new FrameDecoder(DEFAULT_MAX_FRAME_BYTES);
  const frames: Buffer[] = [];
  let frameError: unknown;
  let from = 0;
  for (const length of chunks) {
    try {
      decoder.push(stream.subarray(from, from + length), (frame) => frames.push(frame));
    } catch (error) {
      frameError = error;
      break;
    }
    from += length;
  }
  const fail = (failure: string): CaseResult => ({
    outcome: 'decoded',
    frames: frames.length,
    failure,
  });
  if (frameError !== undefined && !(frameError instanceof ZkProtocolError)) {
    return fail(`FrameDecoder.push threw ${describe(frameError)}`);
  }
  if (chunks.length > 1) {
    const mismatch = compareWithWhole(stream, frames, frameError, decoder.buffered);
    if (mismatch) return fail(mismatch);
  }
  let outcome: FuzzOutcome =
    frameError !== undefined ? 'frame-rejected' : decoder.buffered > 0 ? 'truncated' : 'decoded';
  for (let index = 0; index < frames.length; index++) {
    const frame = frames[index];
    const kind = readAs[Math.min(index, readAs.length - 1)];
    if (frame.length > DEFAULT_MAX_FRAME_BYTES) {
      return fail(`frame ${index} of ${frame.length} bytes passed the decoder`);
    }
    let value: unknown;
    try {
      value = readResponse(kind, frame);
    } catch (error) {
      if (error instanceof ZkProtocolError) {
        // The connection closes here: the frames after it are never read.
        outcome = 'record-rejected';
        break;
      }
      return fail(`reading frame ${index} as ${kind} threw ${describe(error)}`);
    }
    const size = materialized(value);
    if (size > frame.length) {
      return fail(
        `reading frame ${index} as ${kind} materialized ${size} bytes from ${frame.length}`,
      );
    }
  }
  if (fuzzCase.clean && outcome !== 'decoded') return fail(`valid frames ended ${outcome}`);
  return { outcome, frames: frames.length };
}

/** The same bytes in one piece must give the same frames and the same ending. */
function compareWithWhole(
  stream: Buffer,
  frames: readonly Buffer[],
  frameError: unknown,
  buffered: number,
): string | undefined {
  const decoder = new FrameDecoder(DEFAULT_MAX_FRAME_BYTES);
  const whole: Buffer[] = [];
  let wholeError: unknown;
  try {
    decoder.push(stream, (frame) => whole.push(frame));
  } catch (error) {
    wholeError = error;
  }
  if (
    whole.length !== frames.length ||
    whole.some((frame, index) => !frame.equals(frames[index])) ||
    (wholeError === undefined) !== (frameError === undefined) ||
    (wholeError === undefined && decoder.buffered !== buffered)
  ) {
    return (
      `in pieces: ${frames.length} frames, ${frameError ? 'rejected' : `${buffered} bytes left`}; ` +
      `at once: ${whole.length} frames, ${wholeError ? 'rejected' : `${decoder.buffered} bytes left`}`
    );
  }
  return undefined;
}

/**
 * What a decoded value holds that its frame had to pay for: buffer bytes, and 4 bytes per array
 * item (the least any item takes on the wire). It can never exceed the frame's length.
 */
export function materialized(value: unknown): number {
  if (Buffer.isBuffer(value)) return value.length;
  if (Array.isArray(value)) {
    let size = value.length * 4;
    for (const item of value) size += materialized(item);
    return size;
  }
  if (value !== null && typeof value === 'object') {
    let size = 0;
    for (const field of Object.values(value)) size += materialized(field);
    return size;
  }
  return 0;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** A case that broke the invariant, with what replays it. */
export interface FuzzFailure {
  seed: number;
  index: number;
  origin: string;
  failure: string;
  chunks: number[];
  readAs: ResponseKind[];
  /** The stream in hex (cut after 4 KiB). */
  hex: string;
  replay: string;
}

export interface FuzzOptions {
  seed: number;
  cases: number;
  /** Index of the first case. @default 0 */
  first?: number;
  /** Stop collecting failures after this many. @default 10 */
  maxFailures?: number;
  /** A case slower than this is a failure (a decode must never hang). @default 1000 */
  slowCaseMs?: number;
  /** Called every `progressEvery` cases. */
  onProgress?: (done: number) => void;
  progressEvery?: number;
}

export interface FuzzSummary {
  seed: number;
  cases: number;
  elapsedMs: number;
  outcomes: Record<FuzzOutcome, number>;
  /** Clean cases that decoded, per kind of their first frame. */
  cleanDecoded: Record<ResponseKind, number>;
  slowestCaseMs: number;
  /** Cases that broke the invariant (the first `maxFailures` of them in `failures`). */
  failed: number;
  failures: FuzzFailure[];
}

function describeFailure(fuzzCase: FuzzCase, failure: string): FuzzFailure {
  const hex = fuzzCase.stream.subarray(0, 4096).toString('hex');
  return {
    seed: fuzzCase.seed,
    index: fuzzCase.index,
    origin: fuzzCase.origin,
    failure,
    chunks: fuzzCase.chunks,
    readAs: fuzzCase.readAs,
    hex: fuzzCase.stream.length > 4096 ? `${hex}... (${fuzzCase.stream.length} bytes)` : hex,
    replay: `npm run fuzz -- --seed ${fuzzCase.seed} --case ${fuzzCase.index}`,
  };
}

/** Runs `cases` cases of `seed` from `first`. */
export function fuzz(options: FuzzOptions): FuzzSummary {
  const { seed, cases } = options;
  const first = options.first ?? 0;
  const maxFailures = options.maxFailures ?? 10;
  const slowCaseMs = options.slowCaseMs ?? 1_000;
  const progressEvery = options.progressEvery ?? 100_000;
  const outcomes: Record<FuzzOutcome, number> = {
    decoded: 0,
    'frame-rejected': 0,
    'record-rejected': 0,
    truncated: 0,
  };
  const cleanDecoded = Object.fromEntries(RESPONSE_KINDS.map((kind) => [kind, 0])) as Record<
    ResponseKind,
    number
  >;
  const failures: FuzzFailure[] = [];
  let failed = 0;
  let slowestCaseMs = 0;
  const started = performance.now();
  for (let index = first; index < first + cases; index++) {
    const caseStarted = performance.now();
    const fuzzCase = generateCase(seed, index);
    let result: CaseResult;
    try {
      result = runCase(fuzzCase);
    } catch (error) {
      result = { outcome: 'decoded', frames: 0, failure: `the fuzzer threw ${describe(error)}` };
    }
    const caseMs = performance.now() - caseStarted;
    if (caseMs > slowestCaseMs) slowestCaseMs = caseMs;
    if (!result.failure && caseMs > slowCaseMs) {
      result.failure = `took ${caseMs.toFixed(0)} ms (over ${slowCaseMs} ms)`;
    }
    if (result.failure) {
      failed++;
      if (failures.length < maxFailures) failures.push(describeFailure(fuzzCase, result.failure));
    } else {
      outcomes[result.outcome]++;
      if (fuzzCase.clean) cleanDecoded[fuzzCase.readAs[0]]++;
    }
    const done = index - first + 1;
    if (options.onProgress && done % progressEvery === 0) options.onProgress(done);
  }
  return {
    seed,
    cases,
    elapsedMs: performance.now() - started,
    outcomes,
    cleanDecoded,
    slowestCaseMs,
    failed,
    failures,
  };
}
