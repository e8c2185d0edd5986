import type { ZkAddWatchMode } from '../zk-client.types.js';
import type { ZkNodeEvent, ZkWatchRemoval } from '../zk-handle.js';
import { JuteWriter } from './jute-writer.js';
import { OpCode, Xid } from './protocol.constants.js';
import { writeSetWatches2 } from './records.js';

/** Kinds of watch a server holds for a session. */
export type ServerWatchKind = 'data' | 'exist' | 'child' | ZkAddWatchMode;

/** Paths per SetWatches2 request: well under the server's 1 MiB `jute.maxbuffer`. */
const SET_WATCHES_MAX_BYTES = 128 * 1024;

/** Which one-shot kinds each event consumes, as the server does. */
const consumed: Record<ZkNodeEvent, readonly ServerWatchKind[]> = {
  created: ['exist'],
  changed: ['data', 'exist'],
  child: ['child'],
  deleted: ['data', 'exist', 'child'],
  notwatching: ['data', 'exist', 'child'],
};

const removedBy: Record<ZkWatchRemoval, readonly ServerWatchKind[]> = {
  children: ['child'],
  data: ['data', 'exist'],
  any: ['data', 'exist', 'child', 'persistent', 'persistentRecursive'],
  persistent: ['persistent'],
  persistentRecursive: ['persistentRecursive'],
};

/**
 * The watches the server holds for this session, as the client saw them armed and fired: what a
 * resumed session sends back in SetWatches2 so that the new server holds them too (and fires what
 * changed while the client was away).
 */
export class ServerWatches {
  private readonly kinds: Record<ServerWatchKind, Set<string>> = {
    data: new Set(),
    exist: new Set(),
    child: new Set(),
    persistent: new Set(),
    persistentRecursive: new Set(),
  };

  armed(kind: ServerWatchKind, path: string): void {
    this.kinds[kind].add(path);
  }

  fired(event: ZkNodeEvent, path: string): void {
    for (const kind of consumed[event]) this.kinds[kind].delete(path);
  }

  removed(which: ZkWatchRemoval, path: string): void {
    for (const kind of removedBy[which]) this.kinds[kind].delete(path);
  }

  clear(): void {
    for (const paths of Object.values(this.kinds)) paths.clear();
  }

  get size(): number {
    let total = 0;
    for (const paths of Object.values(this.kinds)) total += paths.size;
    return total;
  }

  /**
   * SetWatches2 frames restoring every watch, relative to `lastZxid`; each stays under
   * `SET_WATCHES_MAX_BYTES` (one path longer than that gets a frame of its own).
   */
  setWatchesFrames(lastZxid: number, toServer: (path: string) => string): Buffer[] {
    const frames: Buffer[] = [];
    const order: ServerWatchKind[] = [
      'data',
      'exist',
      'child',
      'persistent',
      'persistentRecursive',
    ];
    let batch = emptyBatch();
    let bytes = 0;
    const flush = () => {
      if (bytes === 0) return;
      const writer = new JuteWriter(bytes + 64).int(Xid.setWatches).int(OpCode.setWatches2);
      writeSetWatches2(writer, { relativeZxid: lastZxid, ...batch });
      frames.push(writer.frame());
      batch = emptyBatch();
      bytes = 0;
    };
    for (const kind of order) {
      for (const path of this.kinds[kind]) {
        const serverPath = toServer(path);
        const size = 4 + Buffer.byteLength(serverPath);
        if (bytes + size > SET_WATCHES_MAX_BYTES) flush();
        batch[fieldOf[kind]].push(serverPath);
        bytes += size;
      }
    }
    flush();
    return frames;
  }
}

const fieldOf = {
  data: 'dataWatches',
  exist: 'existWatches',
  child: 'childWatches',
  persistent: 'persistentWatches',
  persistentRecursive: 'persistentRecursiveWatches',
} as const;

function emptyBatch(): Record<(typeof fieldOf)[ServerWatchKind], string[]> {
  return {
    dataWatches: [],
    existWatches: [],
    childWatches: [],
    persistentWatches: [],
    persistentRecursiveWatches: [],
  };
}
