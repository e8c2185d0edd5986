import {
  ZkConnectionLossError,
  ZkNodeExistsError,
  ZkNoNodeError,
  ZkTimeoutError,
  ZkUnexpectedError,
} from '../../client/errors/zk-operation.errors.js';
import type { ZkClient } from '../../client/zk-client.js';
import { type ZkAclEntry, ZkCodes } from '../../client/zk-codes.js';
import { childPath } from '../../client/znode-paths.js';
import { validateServiceName } from '../service-validation.js';
import type { InstanceNodeFormat } from './instance-node-format.js';

const MAX_ATTEMPTS = 5;

/** Clients whose server refused container nodes: their parents are made persistent. */
const withoutContainers = new WeakSet<ZkClient>();

/**
 * Curator's layout (also Spring Cloud Zookeeper's): the instance node is `servicePath/<id>`,
 * ephemeral (neither sequential nor protected), and missing parents are container nodes, which
 * the server removes once they are empty (persistent on a server older than 3.5, which has no
 * containers). The same `id` is used on every (re-)registration.
 *
 * A node already at that path is taken over when the current session owns it (a create whose
 * answer was lost), and otherwise replaced (a leftover of our previous session), as Curator does.
 * @throws InvalidServiceError when `id` is not a valid node name.
 */
export function curatorNodeFormat(
  id: string,
  format: 'curator' | 'spring' = 'curator',
): InstanceNodeFormat {
  validateServiceName(id, `${format} instance id`);
  return Object.freeze({
    format,
    replacement(servicePath, data, acls) {
      const node = childPath(servicePath, id);
      return {
        create: { type: 'create', path: node, data, mode: 'ephemeral', acl: acls.node },
        async findCreated(client) {
          const stat = await client.exists(node);
          return stat?.ephemeralOwner === client.sessionId ? node : undefined;
        },
      };
    },
    async createNode(client, servicePath, data, acls) {
      const node = childPath(servicePath, id);
      // One request when the service node exists (the usual case): the create itself.
      let parentsMissing = false;
      for (let attempt = 1; ; attempt++) {
        if (parentsMissing) await ensureContainerPath(client, servicePath, acls.parents);
        try {
          return await client.create(node, data, { mode: 'ephemeral', acl: acls.node });
        } catch (error) {
          if (attempt >= MAX_ATTEMPTS) throw error;
          if (error instanceof ZkNoNodeError) {
            // No service node yet, or its empty container went meanwhile: create the parents.
            parentsMissing = true;
            continue;
          }
          if (error instanceof ZkNodeExistsError) {
            const stat = await client.exists(node);
            if (stat && stat.ephemeralOwner === client.sessionId) {
              await client.setData(node, data);
              return node;
            }
            if (stat) await client.delete(node).catch(ignoreNoNode);
            continue;
          }
          if (error instanceof ZkConnectionLossError || error instanceof ZkTimeoutError) {
            await client.waitUntilConnected();
            continue;
          }
          throw error;
        }
      }
    },
  } satisfies InstanceNodeFormat);
}

/** Creates the missing parents as containers, or persistent where the server has no containers. */
async function ensureContainerPath(
  client: ZkClient,
  path: string,
  acl: readonly ZkAclEntry[] | undefined,
): Promise<void> {
  if (withoutContainers.has(client)) return client.ensurePath(path, 'persistent', acl);
  try {
    await client.ensurePath(path, 'container', acl);
  } catch (error) {
    // A server before 3.5 has no container nodes: it answers UNIMPLEMENTED.
    const unimplemented =
      error instanceof ZkUnexpectedError && error.code === ZkCodes.UNIMPLEMENTED;
    if (!unimplemented) throw error;
    withoutContainers.add(client);
    await client.ensurePath(path, 'persistent', acl);
  }
}

function ignoreNoNode(error: unknown): void {
  if (!(error instanceof ZkNoNodeError)) throw error;
}
