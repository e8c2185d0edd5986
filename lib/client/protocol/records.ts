import { ZkProtocolError } from '../errors/zk-protocol.error.js';
import type { ZkClientInfo } from '../zk-client.types.js';
import type { ZkAclEntry, ZkStat } from '../zk-codes.js';
import type { CheckOp, CreateOp, DeleteOp, MultiOp, MultiResult, SetDataOp } from '../zk-handle.js';
import type { JuteReader } from './jute-reader.js';
import type { JuteWriter } from './jute-writer.js';
import { OpCode } from './protocol.constants.js';

/**
 * The records of ZooKeeper's protocol (`zookeeper.jute`) that this client writes and reads, each as
 * a pair of small functions over `JuteWriter` / `JuteReader`.
 */

/** `Stat`: 11 fields, 68 bytes. */
export const STAT_BYTES = 68;

export function readStat(reader: JuteReader): ZkStat {
  return {
    czxid: reader.long(),
    mzxid: reader.long(),
    ctime: reader.long(),
    mtime: reader.long(),
    version: reader.int(),
    cversion: reader.int(),
    aversion: reader.int(),
    ephemeralOwner: hexId(reader.bigLong()),
    dataLength: reader.int(),
    numChildren: reader.int(),
    pzxid: reader.long(),
  };
}

/** A session id as the native client prints it: unsigned hex, no leading zeros. */
export function hexId(id: bigint): string {
  return BigInt.asUintN(64, id).toString(16);
}

export function writeAcl(writer: JuteWriter, entry: ZkAclEntry): void {
  writer.int(entry.perms).ustring(entry.scheme).ustring(entry.auth);
}

export function readAcl(reader: JuteReader): ZkAclEntry {
  return { perms: reader.int(), scheme: reader.ustring(), auth: reader.ustring() };
}

export function readString(reader: JuteReader): string {
  return reader.ustring();
}

/** `ConnectRequest`. */
export interface ConnectRequest {
  lastZxidSeen: number;
  timeOut: number;
  sessionId: bigint;
  passwd: Buffer;
  readOnly: boolean;
}

export function writeConnectRequest(writer: JuteWriter, request: ConnectRequest): void {
  writer
    .int(0)
    .long(request.lastZxidSeen)
    .int(request.timeOut)
    .long(request.sessionId)
    .buffer(request.passwd)
    .bool(request.readOnly);
}

/** `ConnectResponse`; `readOnly` is missing from servers before 3.4 (read as false). */
export interface ConnectResponse {
  protocolVersion: number;
  timeOut: number;
  sessionId: bigint;
  passwd: Buffer;
  readOnly: boolean;
}

export function readConnectResponse(reader: JuteReader): ConnectResponse {
  return {
    protocolVersion: reader.int(),
    timeOut: reader.int(),
    sessionId: reader.bigLong(),
    passwd: Buffer.from(reader.buffer() ?? []),
    readOnly: reader.remaining > 0 ? reader.bool() : false,
  };
}

/** `ReplyHeader`: what every answer starts with. */
export interface ReplyHeader {
  xid: number;
  zxid: number;
  err: number;
}

export function readReplyHeader(reader: JuteReader): ReplyHeader {
  return { xid: reader.int(), zxid: reader.long(), err: reader.int() };
}

/** `WatcherEvent`. */
export interface WatcherEvent {
  type: number;
  state: number;
  path: string;
}

export function readWatcherEvent(reader: JuteReader): WatcherEvent {
  return { type: reader.int(), state: reader.int(), path: reader.ustring() };
}

/** A create as `CreateRequest` or `CreateTTLRequest` (with `ttl`). */
/** The op code a create is sent with: create2 (the stat comes back), container or TTL. */
export function createOpCode(op: CreateOp, containerFlag: number): number {
  if (op.ttl !== undefined) return OpCode.createTTL;
  return op.flags === containerFlag ? OpCode.createContainer : OpCode.create2;
}

export function writeCreate(writer: JuteWriter, op: CreateOp): void {
  writer.ustring(op.path).buffer(op.data).vector(op.acl, writeAcl).int(op.flags);
  if (op.ttl !== undefined) writer.long(op.ttl);
}

export function writeMultiOp(writer: JuteWriter, op: MultiOp): void {
  switch (op.type) {
    case 'create':
      writeCreate(writer, op);
      return;
    case 'delete':
    case 'check':
      writer.ustring(op.path).int(op.version);
      return;
    case 'setData':
      writer.ustring(op.path).buffer(op.data).int(op.version);
      return;
  }
}

/** `path` and `watch`: exists, getData, getChildren2. */
export function writePathWatch(writer: JuteWriter, path: string, watch: boolean): void {
  writer.ustring(path).bool(watch);
}

/** `SetWatches2`: the watches to restore on a resumed session, relative to `relativeZxid`. */
export interface SetWatches2 {
  relativeZxid: number;
  dataWatches: readonly string[];
  existWatches: readonly string[];
  childWatches: readonly string[];
  persistentWatches: readonly string[];
  persistentRecursiveWatches: readonly string[];
}

export function writeSetWatches2(writer: JuteWriter, request: SetWatches2): void {
  writer
    .long(request.relativeZxid)
    .vector(request.dataWatches, writeUstring)
    .vector(request.existWatches, writeUstring)
    .vector(request.childWatches, writeUstring)
    .vector(request.persistentWatches, writeUstring)
    .vector(request.persistentRecursiveWatches, writeUstring);
}

function writeUstring(writer: JuteWriter, value: string): void {
  writer.ustring(value);
}

/** `MultiResponse`: `MultiHeader`s, each followed by its result, ended by a `done` header. */
export function readMultiResponse(reader: JuteReader): MultiResult[] {
  const results: MultiResult[] = [];
  for (;;) {
    const type = reader.int();
    const done = reader.bool();
    reader.int(); // the header's err: ErrorResponse repeats it
    if (done) return results;
    results.push(readMultiResult(reader, type));
  }
}

function readMultiResult(reader: JuteReader, type: number): MultiResult {
  switch (type) {
    case OpCode.create:
      return { type: 'create', path: reader.ustring() };
    case OpCode.create2:
      return { type: 'create', path: reader.ustring(), stat: readStat(reader) };
    case OpCode.delete:
      return { type: 'delete' };
    case OpCode.setData:
      return { type: 'setData', stat: readStat(reader) };
    case OpCode.check:
      return { type: 'check' };
    case OpCode.error:
      return { type: 'error', err: reader.int() };
    default:
      throw new ZkProtocolError(`Malformed multi response: unknown operation type ${type}`);
  }
}

export function readClientInfo(reader: JuteReader): ZkClientInfo {
  return { authScheme: reader.ustring(), user: reader.ustring() };
}
