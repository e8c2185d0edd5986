/**
 * The physical floor: the `zookeeper` package used bare, with callbacks and nothing on top. The
 * benchmarks compare the library with the same work done this way, in the same run.
 */
import ZooKeeper from 'zookeeper';

type Rc = number;
type Watcher = (type: number, state: number, path: string) => void;

/** The calls of the binding the floor uses (the wrapper class and its `native` object alike). */
export interface BareCalls {
  a_create(
    path: string,
    data: Buffer,
    flags: number,
    cb: (rc: Rc, e: string, p: string) => void,
  ): Rc;
  a_delete_(path: string, version: number, cb: (rc: Rc, e: string) => void): Rc;
  a_get(
    path: string,
    watch: boolean,
    cb: (rc: Rc, e: string, stat: unknown, data: Buffer | null) => void,
  ): Rc;
  a_get_children(
    path: string,
    watch: boolean,
    cb: (rc: Rc, e: string, children: string[]) => void,
  ): Rc;
  a_get_children2(
    path: string,
    watch: boolean,
    cb: (rc: Rc, e: string, children: string[], stat: unknown) => void,
  ): Rc;
  aw_get_children(
    path: string,
    w: Watcher,
    cb: (rc: Rc, e: string, children: string[]) => void,
  ): Rc;
  aw_get_children2(
    path: string,
    w: Watcher,
    cb: (rc: Rc, e: string, children: string[], stat: unknown) => void,
  ): Rc;
}

interface BareHandle extends BareCalls {
  init(config: Record<string, unknown>): unknown;
  close(): unknown;
  once(event: 'connect', listener: () => void): unknown;
  readonly native: BareCalls;
}

const BareClass = ZooKeeper as unknown as new () => BareHandle;
const constants = (ZooKeeper as unknown as { constants: Record<string, number> }).constants;

/** Flags and codes read from the binding. */
export const Bare = {
  OK: constants.ZOK!,
  NONODE: constants.ZNONODE!,
  PERSISTENT: constants.ZOO_PERSISTENT!,
  EPHEMERAL: constants.ZOO_EPHEMERAL!,
  EPHEMERAL_SEQUENTIAL: constants.ZOO_EPHEMERAL_SEQUENTIAL!,
};

/** One bare session. `calls` goes through the package's wrapper class, `native` around it. */
export class BareZk {
  private constructor(private readonly handle: BareHandle) {}

  /** Opens a session and resolves once it is connected. */
  static async connect(connect: string, timeoutMs = 10_000): Promise<BareZk> {
    const handle = new BareClass();
    const connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no session with ${connect}`)), timeoutMs);
      handle.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    handle.init({
      connect,
      timeout: 30_000,
      debug_level: 0,
      host_order_deterministic: false,
      // As the library sets it (lib/client/native-handle.ts): by default the binding closes a handle
      // (ZCLOSING, -116) after 10 event-loop turns without a completed request, which a 10,000
      // children answer arriving in many chunks can take. Not work the floor skips: a binding quirk.
      response_counter_limit: 1_000_000,
    });
    await connected;
    return new BareZk(handle);
  }

  /** The package's public class: each call logs its arguments through `util.inspect` first. */
  get calls(): BareCalls {
    return this.handle;
  }

  /** The binding's native object, which the wrapper class forwards to. */
  get native(): BareCalls {
    return this.handle.native;
  }

  create(path: string, data: Buffer | string, flags: number): Promise<string> {
    return new Promise((resolve, reject) => {
      this.handle.a_create(path, Buffer.from(data), flags, (rc, error, created) =>
        rc === Bare.OK ? resolve(created) : reject(new Error(`create ${path}: ${error}`)),
      );
    });
  }

  /** Creates `path` and its ancestors, persistent; existing ones are fine. */
  async ensurePath(path: string): Promise<void> {
    const parts = path.split('/').filter(Boolean);
    for (let depth = 1; depth <= parts.length; depth++) {
      const partial = `/${parts.slice(0, depth).join('/')}`;
      await new Promise<void>((resolve, reject) => {
        this.handle.a_create(partial, Buffer.alloc(0), Bare.PERSISTENT, (rc, error) =>
          rc === Bare.OK || rc === constants.ZNODEEXISTS
            ? resolve()
            : reject(new Error(`create ${partial}: ${error}`)),
        );
      });
    }
  }

  delete(path: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.handle.a_delete_(path, -1, (rc, error) =>
        rc === Bare.OK ? resolve() : reject(new Error(`delete ${path}: ${error}`)),
      );
    });
  }

  getChildren(path: string): Promise<string[]> {
    return new Promise((resolve, reject) => {
      this.handle.a_get_children(path, false, (rc, error, children) =>
        rc === Bare.OK ? resolve(children) : reject(new Error(`getChildren ${path}: ${error}`)),
      );
    });
  }

  close(): void {
    this.handle.close();
  }
}
