import { DeadlineQueue } from './deadline-queue.js';
import { errorFromCode } from './error-codes.js';
import type { ZkError, ZkOperation } from './errors/zk.error.js';
import {
  ZkClosedError,
  ZkSessionExpiredError,
  ZkTimeoutError,
  ZkUnsupportedError,
} from './errors/zk-operation.errors.js';
import type { ZkTransport } from './zk-client.options.js';
import type { ZkRequestCounts } from './zk-client.types.js';
import { ZkCodes } from './zk-codes.js';
import type { Complete, ZkHandle, ZkHandleOps } from './zk-handle.js';

/** The error an operation gets when its handle is left under it. */
export type HandleDropped = (operation: ZkOperation, path: string) => ZkError;

/** What the requests need to know of the client: its current handle, and whether it closed. */
export interface RequestTarget {
  readonly handle: ZkHandle | undefined;
  readonly closed: boolean;
}

/** A request sent and not answered yet. Whoever takes it out of the queue settles it. */
interface WaitingRequest {
  readonly operation: ZkOperation;
  readonly path: string;
  readonly handle: ZkHandle;
  readonly reject: (error: ZkError) => void;
}

/**
 * Runs every request of a client: one deadline each (one timer for all of them, see
 * `DeadlineQueue`), a typed error for every failure, the requests still waiting on each handle
 * (so that a handle the client leaves fails them at once instead of at their deadline), the
 * counts per operation, and which operations the transport has at all.
 */
export class ZkRequests {
  private readonly waiting: DeadlineQueue<WaitingRequest>;
  private readonly counts: ZkRequestCounts = {
    total: 0,
    create: 0,
    delete: 0,
    exists: 0,
    getData: 0,
    setData: 0,
    getChildren: 0,
    getAcl: 0,
    setAcl: 0,
    multi: 0,
    addWatch: 0,
    removeWatches: 0,
    getEphemerals: 0,
    whoAmI: 0,
  };

  constructor(
    timeoutMs: number,
    private readonly transport: ZkTransport,
    private readonly target: () => RequestTarget,
  ) {
    this.waiting = new DeadlineQueue(timeoutMs, (request) =>
      request.reject(new ZkTimeoutError(request.operation, request.path, timeoutMs)),
    );
  }

  /** Requests sent so far, per operation. A snapshot: later requests do not change it. */
  get sent(): ZkRequestCounts {
    return { ...this.counts };
  }

  /** Requests sent and not answered, failed or timed out yet. */
  get waitingCount(): number {
    return this.waiting.size;
  }

  /**
   * Runs one operation with a deadline. The handle is checked first: a closed handle must never
   * be called (the native one segfaults), so a dead handle turns into a typed error here.
   * `onSuccess` runs when the answer is good, just before the caller gets it (and not for an
   * answer that comes after the deadline): a read arms its watcher there.
   */
  run<T>(
    operation: ZkOperation,
    path: string,
    invoke: (zk: ZkHandleOps, done: Complete<T>) => number,
    onSuccess?: () => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const { handle, closed } = this.target();
      if (!handle?.alive || closed) {
        reject(new ZkClosedError(operation, path));
        return;
      }
      this.counts.total++;
      this.counts[operation as Exclude<ZkOperation, 'connect' | 'addAuth'>]++;
      const request: WaitingRequest = { operation, path, handle, reject };
      this.waiting.add(request);
      const done: Complete<T> = (rc, value) => {
        if (!this.waiting.delete(request)) return;
        if (rc === ZkCodes.OK) {
          onSuccess?.();
          resolve(value as T);
        } else reject(this.errorFor(operation, path, rc, handle));
      };
      const rc = invoke(handle.ops, done);
      if (rc !== ZkCodes.OK && this.waiting.delete(request))
        reject(this.errorFor(operation, path, rc, handle));
    });
  }

  /** Runs an operation only some transports have; the others reject with `ZkUnsupportedError`. */
  runOptional<T>(
    operation: ZkOperation,
    path: string,
    invoke: (zk: ZkHandleOps, done: Complete<T>) => number | undefined,
  ): Promise<T> {
    if (this.transport === 'native') return Promise.reject(new ZkUnsupportedError(operation, path));
    return this.run<T>(operation, path, (zk, done) => invoke(zk, done) ?? ZkCodes.UNIMPLEMENTED);
  }

  /** Fails every request still waiting on `handle` at once: a handle left will never answer. */
  failAll(handle: ZkHandle | undefined, failure: HandleDropped): void {
    if (!handle) return;
    for (const request of this.waiting.takeWhere((waiting) => waiting.handle === handle))
      request.reject(failure(request.operation, request.path));
  }

  /** A handle closed under an operation means the client closed, or the session expired. */
  private errorFor(operation: ZkOperation, path: string, rc: number, handle: ZkHandle): ZkError {
    const { handle: current, closed } = this.target();
    if ((rc === ZkCodes.CLOSING || rc === ZkCodes.INVALIDSTATE) && !closed && handle !== current) {
      return new ZkSessionExpiredError(operation, path, rc);
    }
    return errorFromCode(operation, path, rc);
  }
}
