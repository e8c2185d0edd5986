/** What a failed ZooKeeper operation was doing. */
export type ZkOperation =
  | 'connect'
  | 'create'
  | 'delete'
  | 'exists'
  | 'getData'
  | 'setData'
  | 'getChildren'
  | 'getAcl'
  | 'setAcl'
  | 'addAuth'
  | 'multi'
  | 'addWatch'
  | 'removeWatches'
  | 'getEphemerals'
  | 'whoAmI';

/**
 * Base class of every error the client rejects with: `operation` and `path` say what was being
 * done to which znode, `code` is the C client's return code (e.g. -101 for NoNode).
 */
export class ZkError extends Error {
  override name = 'ZkError';

  constructor(
    readonly operation: ZkOperation,
    readonly path: string,
    readonly code: number,
    reason: string,
    options?: { cause?: unknown; message?: string },
  ) {
    super(options?.message ?? `ZooKeeper ${operation} ${path} failed: ${reason}`, options);
  }
}
