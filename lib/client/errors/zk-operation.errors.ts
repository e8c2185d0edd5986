/**
 * One class per ZooKeeper failure a caller may want to tell apart (`instanceof`). The messages
 * name the operation and the path; the base class is {@link ZkError}.
 */
import { ZkError, type ZkOperation } from './zk.error.js';

/** The node (for create: its parent) does not exist. */
export class ZkNoNodeError extends ZkError {
  override name = 'ZkNoNodeError';
  constructor(operation: ZkOperation, path: string, code: number) {
    super(operation, path, code, 'no such node (for create: the parent is missing)');
  }
}

/** The node already exists. */
export class ZkNodeExistsError extends ZkError {
  override name = 'ZkNodeExistsError';
  constructor(operation: ZkOperation, path: string, code: number) {
    super(operation, path, code, 'the node already exists');
  }
}

/** The node has children and cannot be deleted. */
export class ZkNotEmptyError extends ZkError {
  override name = 'ZkNotEmptyError';
  constructor(operation: ZkOperation, path: string, code: number) {
    super(operation, path, code, 'the node has children; delete them first');
  }
}

/** The node's ACL does not grant this session the permission the operation needs. */
export class ZkNoAuthError extends ZkError {
  override name = 'ZkNoAuthError';
  constructor(operation: ZkOperation, path: string, code: number) {
    super(operation, path, code, "not allowed by the node's ACL; check the client's `auth` option");
  }
}

/** The expected version did not match the node's current version. */
export class ZkBadVersionError extends ZkError {
  override name = 'ZkBadVersionError';
  constructor(operation: ZkOperation, path: string, code: number) {
    super(operation, path, code, 'the node changed since it was read (version mismatch)');
  }
}

/**
 * The connection dropped before the server answered: the operation may or may not have been
 * applied. The session may still be alive; retry idempotent operations.
 */
export class ZkConnectionLossError extends ZkError {
  override name = 'ZkConnectionLossError';
  constructor(operation: ZkOperation, path: string, code: number) {
    super(operation, path, code, 'the connection was lost before the server answered');
  }
}

/** The session expired: its ephemeral nodes and watches are gone; a new session is being opened. */
export class ZkSessionExpiredError extends ZkError {
  override name = 'ZkSessionExpiredError';
  constructor(operation: ZkOperation, path: string, code: number) {
    super(operation, path, code, 'the session expired; a new session is being established');
  }
}

/** No answer within the operation timeout (`operationTimeoutMs`). */
export class ZkTimeoutError extends ZkError {
  override name = 'ZkTimeoutError';
  constructor(operation: ZkOperation, path: string, timeoutMs: number) {
    super(operation, path, 0, `no answer within ${timeoutMs} ms (operationTimeoutMs)`);
  }
}

/** The client was closed; create a new one to talk to ZooKeeper again. */
export class ZkClosedError extends ZkError {
  override name = 'ZkClosedError';
  constructor(operation: ZkOperation, path: string) {
    super(operation, path, 0, 'the client is closed');
  }
}

/** Any other return code of the C client, named by `codeName`. */
export class ZkUnexpectedError extends ZkError {
  override name = 'ZkUnexpectedError';
  constructor(operation: ZkOperation, path: string, code: number, codeName: string) {
    super(operation, path, code, `ZooKeeper returned ${codeName} (${code})`);
  }
}

/**
 * The transport cannot do this (the native binding has no `multi`, `addWatch`, TTL nodes...):
 * use `transport: 'protocol'`. A server too old for an operation answers `ZUNIMPLEMENTED` as a
 * `ZkUnexpectedError` instead; both carry the code `ZUNIMPLEMENTED` (-6).
 */
export class ZkUnsupportedError extends ZkError {
  override name = 'ZkUnsupportedError';
  constructor(operation: ZkOperation, path: string) {
    super(
      operation,
      path,
      -6,
      "the native transport cannot do this; use transport: 'protocol' (the default)",
    );
  }
}
