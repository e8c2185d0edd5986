import type { ZkClient } from '../../client/zk-client.js';
import type { ZkMultiOp } from '../../client/zk-client.types.js';
import type { ZkAclEntry } from '../../client/zk-codes.js';
import type { InstanceFormat } from '../instance-format.js';

/** ACLs of the nodes a registration creates; undefined means the client's `acl` option. */
export interface InstanceNodeAcls {
  /** ACL of the instance node. */
  readonly node?: readonly ZkAclEntry[];
  /** ACL of parents created on the way. */
  readonly parents?: readonly ZkAclEntry[];
}

/**
 * How a `Registrar` writes its instance node: the layout (node name, create mode, parent kind) of
 * one format. The registrar keeps the session logic (re-register after an expiry, deregister);
 * the format only creates the node, and may be called again after a new session.
 */
export interface InstanceNodeFormat {
  /** The format written. */
  readonly format: InstanceFormat;
  /**
   * Creates the instance node holding `data` under `servicePath` (creating missing parents) and
   * resolves with its full path. Rejects with the client's typed error when ZooKeeper refuses.
   */
  createNode(
    client: ZkClient,
    servicePath: string,
    data: Buffer,
    acls: InstanceNodeAcls,
  ): Promise<string>;
  /**
   * The instance node's create as one operation of a transaction (its parents must exist), so
   * that a re-registration replaces the old node in one `multi`, with no moment without one.
   */
  replacement(servicePath: string, data: Buffer, acls: InstanceNodeAcls): NodeReplacement;
}

/** The create of an instance node inside a transaction. */
export interface NodeReplacement {
  readonly create: ZkMultiOp & { type: 'create' };
  /** The node this create made, found again when its answer was lost; undefined if none. */
  findCreated(client: ZkClient): Promise<string | undefined>;
}
