import {
  ZkConnectionLossError,
  ZkNoNodeError,
  ZkTimeoutError,
} from '../../client/errors/zk-operation.errors.js';
import type { ZkClient } from '../../client/zk-client.js';
import { ZkMultiError } from '../../client/zk-multi.js';
import type { InstanceNodeAcls, InstanceNodeFormat } from '../formats/instance-node-format.js';

/** Where our previous instance node was, and how to write the new one. */
export interface InstanceNodeToReplace {
  readonly client: ZkClient;
  readonly format: InstanceNodeFormat;
  readonly servicePath: string;
  readonly data: Buffer;
  readonly acls: InstanceNodeAcls;
  readonly reconnectWaitMs: number;
}

/**
 * Writes our instance node again after a new session, `previous` being the node of the old one.
 * Usually the old node died with its session. When it did not (a session given up while the server
 * still holds it), it must not stand beside the new one: where the client has `multi`, the old
 * node is deleted and the new one created in one transaction, so that consumers never see the
 * service without this instance; elsewhere, deleted first, then created.
 */
export async function replaceInstanceNode(
  target: InstanceNodeToReplace,
  previous: string,
): Promise<string> {
  const { client, format, servicePath, data, acls } = target;
  if (client.transport === 'protocol') {
    const replacement = format.replacement(servicePath, data, acls);
    try {
      const [, created] = await client.multi([
        { type: 'delete', path: previous },
        replacement.create,
      ]);
      if (created?.type === 'create') return created.path;
    } catch (error) {
      if (error instanceof ZkConnectionLossError || error instanceof ZkTimeoutError) {
        // Whether the transaction was applied is unknown: look for the node it made.
        await client.waitUntilConnected(target.reconnectWaitMs);
        const found = await replacement.findCreated(client);
        if (found) return found;
      } else if (!(error instanceof ZkMultiError)) throw error;
      else if (error.failedIndex === 0 && error.cause instanceof ZkNoNodeError) {
        // The old node is gone already (the usual case): a plain create.
        return format.createNode(client, servicePath, data, acls);
      }
      // The parents are missing, or anything else: nothing was applied; the long way below.
    }
  }
  await client.delete(previous).catch(() => undefined);
  return format.createNode(client, servicePath, data, acls);
}
