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

/**
 * The TTL a create sends: none for the modes without one; for the TTL modes, `ttlMs`, checked to
 * be a whole number of milliseconds the server accepts.
 */
export function ttlFor(mode: ZkCreateMode, ttlMs: number | undefined): number | undefined {
  if (!mode.endsWith('-ttl')) return undefined;
  if (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs) || ttlMs <= 0 || ttlMs > 0xffffffffff) {
    throw new TypeError(
      `Invalid \`ttlMs\` ${String(ttlMs)} for create mode '${mode}': give a positive whole ` +
        'number of milliseconds (at most 0xffffffffff).',
    );
  }
  return ttlMs;
}
