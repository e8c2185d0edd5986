import type { ZkCreateMode } from './zk-client.types.js';
import { ZkFlags } from './zk-native.js';

/** The binding's flags for each create mode. */
export const createFlags: Record<ZkCreateMode, number> = {
  persistent: ZkFlags.PERSISTENT,
  ephemeral: ZkFlags.EPHEMERAL,
  'persistent-sequential': ZkFlags.PERSISTENT_SEQUENTIAL,
  'ephemeral-sequential': ZkFlags.EPHEMERAL_SEQUENTIAL,
  container: ZkFlags.CONTAINER,
};
