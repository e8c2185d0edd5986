import { createFlags, ttlFor } from './create-flags.js';
import { errorFromCode } from './error-codes.js';
import type { ZkError } from './errors/zk.error.js';
import { ZkAcls } from './zk-acls.js';
import type { ZkMultiOp, ZkMultiResult } from './zk-client.types.js';
import type { ZkAclEntry } from './zk-codes.js';
import { ZkCodes } from './zk-codes.js';
import type { MultiOp, MultiResult } from './zk-handle.js';

/**
 * A `multi` transaction failed: nothing of it was applied. `failedIndex` is the operation that
 * failed and `cause` its typed error (a `ZkNoNodeError`, a `ZkBadVersionError`...).
 */
export class ZkMultiError extends Error {
  override name = 'ZkMultiError';

  constructor(
    readonly failedIndex: number,
    readonly failedOp: ZkMultiOp,
    override readonly cause: ZkError,
  ) {
    super(
      `ZooKeeper multi failed at operation ${failedIndex} (${failedOp.type} ${failedOp.path}): ` +
        `${cause.message}; nothing of the transaction was applied`,
      { cause },
    );
  }
}

/** The operations as the handle sends them. */
export function toMultiOps(
  ops: readonly ZkMultiOp[],
  defaultAcl: readonly ZkAclEntry[] | undefined,
): MultiOp[] {
  return ops.map((op): MultiOp => {
    switch (op.type) {
      case 'create':
        return {
          type: 'create',
          path: op.path,
          data: toBuffer(op.data ?? ''),
          acl: op.acl ?? defaultAcl ?? ZkAcls.open(),
          flags: createFlags[op.mode ?? 'persistent'],
          ttl: ttlFor(op.mode ?? 'persistent', op.ttlMs),
        };
      case 'delete':
        return { type: 'delete', path: op.path, version: op.version ?? -1 };
      case 'setData':
        return {
          type: 'setData',
          path: op.path,
          data: toBuffer(op.data),
          version: op.version ?? -1,
        };
      case 'check':
        return { type: 'check', path: op.path, version: op.version };
      default:
        throw new TypeError(
          `Invalid multi operation ${JSON.stringify(op)}: give { type: 'create' | 'delete' | ` +
            "'setData' | 'check', path, ... }.",
        );
    }
  });
}

/** The results of a transaction, or the `ZkMultiError` of its first failed operation. */
export function fromMultiResults(
  ops: readonly ZkMultiOp[],
  results: readonly MultiResult[],
): ZkMultiResult[] | ZkMultiError {
  const failed = results.findIndex(
    (result) =>
      result.type === 'error' &&
      result.err !== ZkCodes.OK &&
      result.err !== ZkCodes.RUNTIMEINCONSISTENCY,
  );
  if (failed !== -1) {
    const op = ops[failed];
    const result = results[failed] as { err: number };
    return new ZkMultiError(failed, op, errorFromCode('multi', op.path, result.err));
  }
  return results.filter((result) => result.type !== 'error') as ZkMultiResult[];
}

export function toBuffer(data: Buffer | string): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}
