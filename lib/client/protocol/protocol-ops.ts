import { ZkAcls } from '../zk-acls.js';
import type { ZkAddWatchMode } from '../zk-client.types.js';
import { ZkCodes, ZkFlags } from '../zk-codes.js';
import type { Complete, ZkHandleOps, ZkWatchRemoval } from '../zk-handle.js';
import type { JuteReader } from './jute-reader.js';
import type { JuteWriter } from './jute-writer.js';
import { AddWatchMode, OpCode, WatcherType } from './protocol.constants.js';
import {
  createOpCode,
  readAcl,
  readClientInfo,
  readMultiResponse,
  readStat,
  readString,
  writeAcl,
  writeCreate,
  writeMultiOp,
  writePathWatch,
} from './records.js';
import type { ServerWatches } from './server-watches.js';

/** What the operations need of the session they are sent on. */
export interface RequestSender {
  /** Sends (or queues) a request; `read` reads a good answer's body. See `ProtocolHandle`. */
  submit(
    opCode: number,
    writeBody: (writer: JuteWriter) => void,
    read: ((reader: JuteReader) => unknown) | undefined,
    done: Complete<unknown>,
  ): number;
  /** A path as the server knows it (the chroot prefixed), and back. */
  toServer(path: string): string;
  fromServer(path: string): string;
  /** The watches the server holds, kept as reads arm them. */
  readonly watches: ServerWatches;
  addAuth(scheme: string, credentials: string, done: Complete<void>): number;
}

const multiTypes = { delete: OpCode.delete, setData: OpCode.setData, check: OpCode.check } as const;

/**
 * The requests of a protocol session, each written as ZooKeeper's records (see `zookeeper.jute`)
 * and its answer read back; paths pass through the session's chroot.
 */
export function protocolOps(sender: RequestSender): ZkHandleOps {
  const stat = (reader: JuteReader) => readStat(reader);
  return {
    create: (path, data, flags, acl, ttlMs, done) => {
      const op = {
        type: 'create' as const,
        path: sender.toServer(path),
        data,
        acl: acl ?? ZkAcls.open(),
        flags,
        ttl: ttlMs,
      };
      return sender.submit(
        createOpCode(op, ZkFlags.CONTAINER),
        (writer) => writeCreate(writer, op),
        (reader) => ({ path: sender.fromServer(reader.ustring()), stat: readStat(reader) }),
        done as Complete<unknown>,
      );
    },
    exists: (path, watch, done) =>
      sender.submit(
        OpCode.exists,
        (writer) => writePathWatch(writer, sender.toServer(path), watch),
        stat,
        (rc, value) => {
          if (watch && (rc === ZkCodes.OK || rc === ZkCodes.NONODE))
            sender.watches.armed(rc === ZkCodes.OK ? 'data' : 'exist', path);
          done(rc, value as never);
        },
      ),
    getData: (path, watch, done) =>
      sender.submit(
        OpCode.getData,
        (writer) => writePathWatch(writer, sender.toServer(path), watch),
        (reader) => ({ data: reader.buffer() ?? Buffer.alloc(0), stat: readStat(reader) }),
        (rc, value) => {
          if (watch && rc === ZkCodes.OK) sender.watches.armed('data', path);
          done(rc, value as never);
        },
      ),
    getChildren: (path, watch, done) =>
      sender.submit(
        OpCode.getChildren2,
        (writer) => writePathWatch(writer, sender.toServer(path), watch),
        (reader) => ({ children: reader.vector(readString, 4), stat: readStat(reader) }),
        (rc, value) => {
          if (watch && rc === ZkCodes.OK) sender.watches.armed('child', path);
          done(rc, value as never);
        },
      ),
    setData: (path, data, version, done) =>
      sender.submit(
        OpCode.setData,
        (writer) => writer.ustring(sender.toServer(path)).buffer(data).int(version),
        stat,
        done as Complete<unknown>,
      ),
    delete: (path, version, done) =>
      sender.submit(
        OpCode.delete,
        (writer) => writer.ustring(sender.toServer(path)).int(version),
        undefined,
        done as Complete<unknown>,
      ),
    getAcl: (path, done) =>
      sender.submit(
        OpCode.getACL,
        (writer) => writer.ustring(sender.toServer(path)),
        (reader) => ({ acl: reader.vector(readAcl, 12), stat: readStat(reader) }),
        done as Complete<unknown>,
      ),
    setAcl: (path, version, acl, done) =>
      sender.submit(
        OpCode.setACL,
        (writer) => writer.ustring(sender.toServer(path)).vector(acl, writeAcl).int(version),
        undefined,
        done as Complete<unknown>,
      ),
    addAuth: (scheme, credentials, done) => sender.addAuth(scheme, credentials, done),
    multi: (ops, done) =>
      sender.submit(
        OpCode.multi,
        (writer) => {
          for (const op of ops) {
            const sent = { ...op, path: sender.toServer(op.path) };
            const type =
              sent.type === 'create'
                ? createOpCode(sent, ZkFlags.CONTAINER)
                : multiTypes[sent.type];
            writer.int(type).bool(false).int(-1);
            writeMultiOp(writer, sent);
          }
          writer.int(-1).bool(true).int(-1);
        },
        (reader) =>
          readMultiResponse(reader).map((result) =>
            result.type === 'create' ? { ...result, path: sender.fromServer(result.path) } : result,
          ),
        done as Complete<unknown>,
      ),
    addWatch: (path, mode: ZkAddWatchMode, done) =>
      sender.submit(
        OpCode.addWatch,
        (writer) => writer.ustring(sender.toServer(path)).int(AddWatchMode[mode]),
        undefined,
        (rc) => {
          if (rc === ZkCodes.OK) sender.watches.armed(mode, path);
          done(rc);
        },
      ),
    removeWatches: (path, which: ZkWatchRemoval, done) =>
      sender.submit(
        OpCode.removeWatches,
        (writer) => writer.ustring(sender.toServer(path)).int(WatcherType[which]),
        undefined,
        (rc) => {
          // MARSHALLINGERROR: a server before 3.9 has no removal of one kind of persistent
          // watch; it keeps it, but it is not restored on the next connection.
          if (rc === ZkCodes.OK || rc === ZkCodes.MARSHALLINGERROR)
            sender.watches.removed(which, path);
          done(rc);
        },
      ),
    getEphemerals: (prefix, done) =>
      sender.submit(
        OpCode.getEphemerals,
        (writer) => writer.ustring(sender.toServer(prefix)),
        (reader) => reader.vector(readString, 4).map((path) => sender.fromServer(path)),
        done as Complete<unknown>,
      ),
    whoAmI: (done) =>
      sender.submit(
        OpCode.whoAmI,
        () => {},
        (reader) => reader.vector(readClientInfo, 8),
        done as Complete<unknown>,
      ),
  };
}
