import { ZkNoNodeError } from '../client/errors/zk-operation.errors.js';
import type { ZkClient } from '../client/zk-client.js';
import type { ZkStat } from '../client/zk-codes.js';
import { childPath } from '../client/znode-paths.js';
import { cliDecoder } from './cli-decoder.js';
import {
  instanceView,
  type ListedInstance,
  type ListedService,
  type SkippedNode,
} from './instance-view.js';

/** A child read with its data and stat. */
interface ReadNode {
  readonly name: string;
  readonly path: string;
  readonly data: Buffer;
  readonly stat: ZkStat;
}

const decode = cliDecoder();

/**
 * The services under `root`, down to `maxDepth` levels: every node whose children include
 * instance nodes, and every empty persistent leaf below `root` (a service without instances).
 * Instance nodes are the ephemeral children, and the persistent leaves holding data (Curator's
 * permanent instances; anything else there is listed as skipped, with the reason). Sorted by
 * path; instances by id. Resolves undefined when `root` does not exist.
 */
export async function listServices(
  client: ZkClient,
  root: string,
  maxDepth: number,
  now: number = Date.now(),
): Promise<ListedService[] | undefined> {
  if (!(await client.exists(root))) return undefined;
  const services: ListedService[] = [];
  const visit = async (path: string, depth: number): Promise<void> => {
    const children = await readChildren(client, path);
    const instanceNodes = children.filter(isInstanceNode);
    const levels = children.filter((child) => !isInstanceNode(child));
    if (instanceNodes.length > 0 || (children.length === 0 && depth > 0)) {
      services.push(describeService(path, instanceNodes, now));
    }
    if (depth < maxDepth) {
      await Promise.all(levels.map((child) => visit(child.path, depth + 1)));
    }
  };
  await visit(root, 0);
  return services.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** An ephemeral node, or a persistent leaf holding data: not a level of the tree. */
function isInstanceNode({ stat }: ReadNode): boolean {
  return stat.ephemeralOwner !== '0' || (stat.numChildren === 0 && stat.dataLength > 0);
}

async function readChildren(client: ZkClient, path: string): Promise<ReadNode[]> {
  let names: string[];
  try {
    names = await client.getChildren(path);
  } catch (error) {
    if (error instanceof ZkNoNodeError) return []; // removed while we walked
    throw error;
  }
  const read = await Promise.all(
    names.sort().map(async (name): Promise<ReadNode | undefined> => {
      const nodePath = childPath(path, name);
      if (nodePath === '/zookeeper') return undefined;
      try {
        const { data, stat } = await client.getData(nodePath);
        return { name, path: nodePath, data, stat };
      } catch (error) {
        if (error instanceof ZkNoNodeError) return undefined; // left while we walked
        throw error;
      }
    }),
  );
  return read.filter((node): node is ReadNode => node !== undefined);
}

function describeService(path: string, nodes: readonly ReadNode[], now: number): ListedService {
  const instances: ListedInstance[] = [];
  const skipped: SkippedNode[] = [];
  for (const node of nodes) {
    try {
      const instance = decode({ name: node.name, path: node.path, data: node.data })!;
      instances.push({
        ...instanceView(instance),
        createdAt: new Date(node.stat.ctime).toISOString(),
        ageMs: Math.max(0, now - Number(node.stat.ctime)),
        sessionOwner: `0x${node.stat.ephemeralOwner}`,
      });
    } catch (error) {
      skipped.push({ id: node.name, path: node.path, reason: (error as Error).message });
    }
  }
  return { path, instances, skipped };
}
