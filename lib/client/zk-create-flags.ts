import type { ZkCreateMode } from './zk-client.types.js';
import { ZkFlags } from './zk-codes.js';

/** The wire flags of each create mode. */
export const createFlags: Record<ZkCreateMode, number> = {
  persistent: ZkFlags.PERSISTENT,
  ephemeral: ZkFlags.EPHEMERAL,
  'persistent-sequential': ZkFlags.PERSISTENT_SEQUENTIAL,
  'ephemeral-sequential': ZkFlags.EPHEMERAL_SEQUENTIAL,
  container: ZkFlags.CONTAINER,
  'persistent-ttl': ZkFlags.PERSISTENT_WITH_TTL,
  'persistent-sequential-ttl': ZkFlags.PERSISTENT_SEQUENTIAL_WITH_TTL,
};
