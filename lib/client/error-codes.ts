import type { ZkError, ZkOperation } from './errors/zk.error.js';
import {
  ZkBadVersionError,
  ZkClosedError,
  ZkConnectionLossError,
  ZkNoAuthError,
  ZkNodeExistsError,
  ZkNoNodeError,
  ZkNotEmptyError,
  ZkSessionExpiredError,
  ZkUnexpectedError,
} from './errors/zk-operation.errors.js';
import { ZkCodes, zkCodeNames } from './zk-codes.js';

/** Turns a ZooKeeper error code into the typed error for `operation` on `path`. */
export function errorFromCode(operation: ZkOperation, path: string, code: number): ZkError {
  switch (code) {
    case ZkCodes.NONODE:
      return new ZkNoNodeError(operation, path, code);
    case ZkCodes.NODEEXISTS:
      return new ZkNodeExistsError(operation, path, code);
    case ZkCodes.NOTEMPTY:
      return new ZkNotEmptyError(operation, path, code);
    case ZkCodes.NOAUTH:
      return new ZkNoAuthError(operation, path, code);
    case ZkCodes.BADVERSION:
      return new ZkBadVersionError(operation, path, code);
    case ZkCodes.CONNECTIONLOSS:
    case ZkCodes.OPERATIONTIMEOUT:
      return new ZkConnectionLossError(operation, path, code);
    case ZkCodes.SESSIONEXPIRED:
      return new ZkSessionExpiredError(operation, path, code);
    case ZkCodes.CLOSING:
    case ZkCodes.INVALIDSTATE:
      return new ZkClosedError(operation, path);
    default:
      return new ZkUnexpectedError(
        operation,
        path,
        code,
        zkCodeNames.get(code) ?? 'an unknown code',
      );
  }
}
