/**
 * The floor of issue 24: the library's own protocol client (`lib/client/protocol`) used bare, on
 * one persistent recursive watch, with callbacks and nothing on top; the best a consumer of
 * ZooKeeper 3.6+ can do. The benchmarks compare the library with it, in the same run.
 */

import { DEFAULT_MAX_FRAME_BYTES } from '../../lib/client/protocol/protocol.constants.js';
import { ProtocolHandle } from '../../lib/client/protocol/protocol-handle.js';
import { ZkCodes } from '../../lib/client/zk-codes.js';
import type { ZkNodeEvent } from '../../lib/client/zk-handle.js';
import { silentLogger } from '../../lib/client/zk-logger.js';
import { serverAddresses } from '../../lib/client/zk-server-address.js';
import type { BareChange } from './bare-watcher.js';

/** One session of the protocol client's `ProtocolHandle`: its requests' callbacks, no `ZkClient`. */
export class BareProtocol {
  private nodeListener: ((event: ZkNodeEvent, path: string) => void) | undefined;

  private constructor(private readonly handle: ProtocolHandle) {}

  /** Opens a session and resolves once it is connected. */
  static connect(servers: string, timeoutMs = 10_000): Promise<BareProtocol> {
    return new Promise((resolve, reject) => {
      let session: BareProtocol | undefined;
      let connected = false;
      const timer = setTimeout(() => {
        session?.close();
        reject(new Error(`no protocol session with ${servers}`));
      }, timeoutMs);
      const handle = new ProtocolHandle(
        {
          servers: serverAddresses(servers),
          chroot: '',
          sessionTimeoutMs: 30_000,
          tls: undefined,
          canBeReadOnly: false,
          keepProcessAlive: true,
          maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
          logger: silentLogger,
        },
        {
          connected: () => {
            if (connected) return;
            connected = true;
            clearTimeout(timer);
            resolve(session!);
          },
          connecting: () => {},
          closed: (code) => {
            if (connected) return;
            clearTimeout(timer);
            reject(new Error(`protocol session with ${servers} ended (${code})`));
          },
          node: (event, path) => session?.nodeListener?.(event, path),
        },
      );
      session = new BareProtocol(handle);
    });
  }

  get ops(): ProtocolHandle['ops'] {
    return this.handle.ops;
  }

  /** Where the session's watch events go (one listener; replaces any). */
  onNode(listener: (event: ZkNodeEvent, path: string) => void): void {
    this.nodeListener = listener;
  }

  close(): void {
    this.handle.close();
  }
}

/**
 * A watching consumer on one persistent recursive watch of the service path: `NodeCreated` of a
 * child → one `getData` of that child; `NodeDeleted` of a child → drop it, no request; any other
 * event (the path's own, deeper nodes', data changes) ignored. The children are listed once, at
 * start. No decoding, no snapshot, no endpoint: names and bytes in a `Map`.
 */
export class TreeWatcher {
  /** Data of every child held, by name. */
  readonly held = new Map<string, Buffer>();
  /** Requests sent, by kind. */
  readonly requests = { addWatch: 0, getChildren: 0, get: 0 };
  private listener: ((change: BareChange) => void) | undefined;
  private closed = false;
  private readonly prefix: string;

  constructor(
    private readonly session: BareProtocol,
    readonly path: string,
  ) {
    this.prefix = `${path}/`;
  }

  /** Arms the watch, then reads the children and their data; resolves when every child is held. */
  start(): Promise<void> {
    this.session.onNode(this.onEvent);
    const { ops } = this.session;
    return new Promise((resolve, reject) => {
      const failed = (what: string, rc: number) =>
        reject(new Error(`${what} ${this.path} failed: ${rc}`));
      this.requests.addWatch++;
      ops.addWatch!(this.path, 'persistentRecursive', (rc) => {
        if (rc !== ZkCodes.OK) return failed('addWatch', rc);
        this.requests.getChildren++;
        ops.getChildren(this.path, false, (rc, listed) => {
          if (rc !== ZkCodes.OK || !listed) return failed('getChildren', rc);
          let pending = listed.children.length;
          if (pending === 0) resolve();
          for (const name of listed.children) {
            this.requests.get++;
            ops.getData(`${this.prefix}${name}`, false, (rc, read) => {
              if (rc === ZkCodes.OK && read) this.held.set(name, read.data);
              if (--pending === 0) resolve();
            });
          }
        });
      });
    });
  }

  /** Calls `listener` after each applied change. */
  onChange(listener: (change: BareChange) => void): void {
    this.listener = listener;
  }

  /** Ignores events from now on (the watch goes with the session). */
  close(): void {
    this.closed = true;
  }

  private readonly onEvent = (event: ZkNodeEvent, path: string): void => {
    if (this.closed || !path.startsWith(this.prefix)) return;
    if (path.indexOf('/', this.prefix.length) !== -1) return;
    const name = path.slice(this.prefix.length);
    if (event === 'created') {
      this.requests.get++;
      this.session.ops.getData(path, false, (rc, read) => {
        // NONODE: it went again before the read; its NodeDeleted follows.
        if (rc !== ZkCodes.OK || !read) return;
        this.held.set(name, read.data);
        this.listener?.({ at: performance.now(), added: [name], removed: [] });
      });
    } else if (event === 'deleted' && this.held.delete(name)) {
      this.listener?.({ at: performance.now(), added: [], removed: [name] });
    }
  };
}
