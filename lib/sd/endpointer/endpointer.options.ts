import { checkTimerMs } from '../../client/option-checks.js';
import type { ZkLogger } from '../../client/zk-logger.js';
import type { EmptySetProtectionOptions } from './empty-set-guard.js';

/** Options of an `Endpointer`. */
export interface EndpointerOptions {
  /**
   * How long discovery may keep failing (snapshots with `error` or `stale`) before the endpoints
   * are dropped (closed and emptied) until a good snapshot arrives; go-kit's
   * `InvalidateOnError(timeout)`. `0` drops them at the first failing snapshot.
   * @default undefined: keep the last endpoints for as long as discovery fails (go-kit's default)
   */
  invalidateOnErrorMs?: number;
  /**
   * Empty-set protection: when every instance disappears at once, keep the last endpoints until
   * instances return or `maxHoldMs` passes (`true`: the defaults). @default false
   */
  emptySetProtection?: EmptySetProtectionOptions | boolean;
  /** Where skipped instances, failing `close` calls and invalidations are reported. */
  logger?: ZkLogger;
  /**
   * Names the endpointer in log lines and in `NoEndpointsError`.
   * @default the source's `path` when it has one (an `Instancer` does), else undefined
   */
  name?: string;
}

/** `invalidateOnErrorMs`, checked. */
export function validateInvalidateMs(ms: number | undefined): number | undefined {
  if (ms === undefined) return ms;
  return checkTimerMs('invalidateOnErrorMs', ms, { zero: true, orInfinity: true });
}
