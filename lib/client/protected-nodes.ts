import { randomBytes } from 'node:crypto';
import {
  ZkConnectionLossError,
  ZkNodeExistsError,
  ZkTimeoutError,
} from './errors/zk-operation.errors.js';
import type { ZkCreateOptions } from './zk-client.types.js';
import type { ZkAclEntry, ZkStat } from './zk-codes.js';
import { childPath } from './znode-paths.js';

/** Prefix of protected nodes, shared with go-zookeeper (go-kit) and Curator. */
export const PROTECTED_PREFIX = '_c_';

/** A protected node's name up to its sequence number: `_c_<32 hex guid>-`, new each call. */
export function protectedNodePrefix(): string {
  return `${PROTECTED_PREFIX}${randomBytes(16).toString('hex')}-`;
}

/** The client operations the recipes are made of. */
export interface RecipeClient {
  exists(path: string): Promise<ZkStat | null>;
  create(path: string, data?: Buffer | string, options?: ZkCreateOptions): Promise<string>;
  getChildren(path: string): Promise<string[]>;
  waitUntilConnected(timeoutMs: number): Promise<void>;
}

/**
 * Creates `path` and any missing ancestors, empty, in `mode`; existing nodes are left as they are.
 * One `exists` request when the path is already there.
 */
export async function ensurePath(
  client: RecipeClient,
  path: string,
  mode: 'persistent' | 'container',
  acl: readonly ZkAclEntry[] | undefined,
): Promise<void> {
  if (path === '/' || (await client.exists(path))) return;
  const parts = path.split('/').filter(Boolean);
  for (let depth = 1; depth <= parts.length; depth++) {
    try {
      await client.create(`/${parts.slice(0, depth).join('/')}`, undefined, { mode, acl });
    } catch (error) {
      if (!(error instanceof ZkNodeExistsError)) throw error;
    }
  }
}

/**
 * Creates `parent/_c_<32 hex guid>-<10 digit sequence>`, ephemeral and sequential, the layout of
 * go-zookeeper and Curator. If the connection drops before the answer, the parent is listed once
 * the client is back (waiting up to `reconnectWaitMs`) and a child carrying our guid is taken as
 * ours, so no duplicate is ever left behind. Three attempts at most.
 */
export async function createProtectedEphemeralSequential(
  client: RecipeClient,
  parent: string,
  data: Buffer | string,
  acl: readonly ZkAclEntry[] | undefined,
  reconnectWaitMs: number,
): Promise<string> {
  const prefix = protectedNodePrefix();
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.create(childPath(parent, prefix), data, {
        mode: 'ephemeral-sequential',
        acl,
      });
    } catch (error) {
      const lost = error instanceof ZkConnectionLossError || error instanceof ZkTimeoutError;
      if (!lost || attempt >= 3) throw error;
      await client.waitUntilConnected(reconnectWaitMs);
      const ours = (await client.getChildren(parent)).find((child) => child.startsWith(prefix));
      if (ours) return childPath(parent, ours);
    }
  }
}
