import { Bare, type BareCalls } from './bare-zk.js';

/** A change the watcher applied: when it was complete, and which children came and went. */
export interface BareChange {
  at: number;
  added: readonly string[];
  removed: readonly string[];
}

/**
 * The floor of a watching consumer, with the bare binding: a children watch; when it fires, one
 * `get_children` (re-arming the watch), a diff against the names held, and one `get` per added
 * child, all in flight at once. Nothing else: no decoding, no snapshot, no endpoint.
 */
export class BareWatcher {
  /** Data of every child held, by name. */
  readonly held = new Map<string, Buffer>();
  /** Requests sent, by kind. */
  readonly requests = { getChildren: 0, get: 0 };
  private listener: ((change: BareChange) => void) | undefined;
  private closed = false;

  constructor(
    private readonly zk: BareCalls,
    readonly path: string,
    private readonly useChildren2 = false,
  ) {}

  /** Reads the children and their data; resolves when every child is held. */
  start(): Promise<void> {
    return new Promise((resolve) => {
      this.listener = () => {
        this.listener = undefined;
        resolve();
      };
      this.read();
    });
  }

  /** Calls `listener` after each applied change. */
  onChange(listener: (change: BareChange) => void): void {
    this.listener = listener;
  }

  /** Ignores events from now on (the watch left in the server fires once more, unanswered). */
  close(): void {
    this.closed = true;
  }

  private readonly onWatch = (): void => {
    if (!this.closed) this.read();
  };

  private read(): void {
    this.requests.getChildren++;
    const done = (rc: number, _e: string, children: string[]) => {
      if (rc !== Bare.OK) throw new Error(`get_children ${this.path} failed: ${rc}`);
      this.apply(children);
    };
    if (this.useChildren2) this.zk.aw_get_children2(this.path, this.onWatch, done);
    else this.zk.aw_get_children(this.path, this.onWatch, done);
  }

  private apply(children: string[]): void {
    const present = new Set(children);
    const removed: string[] = [];
    for (const name of this.held.keys()) {
      if (!present.has(name)) {
        this.held.delete(name);
        removed.push(name);
      }
    }
    const added = children.filter((name) => !this.held.has(name));
    if (added.length === 0) {
      this.listener?.({ at: performance.now(), added, removed });
      return;
    }
    let pending = added.length;
    for (const name of added) {
      this.requests.get++;
      this.zk.a_get(`${this.path}/${name}`, false, (rc, _e, _stat, data) => {
        if (rc === Bare.OK) this.held.set(name, data ?? Buffer.alloc(0));
        if (--pending === 0) this.listener?.({ at: performance.now(), added, removed });
      });
    }
  }
}
