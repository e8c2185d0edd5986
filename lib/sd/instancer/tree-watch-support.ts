import type { ZkClient } from '../../client/zk-client.js';
import { ZkCodes } from '../../client/zk-codes.js';
import type { ZkLogger } from '../../client/zk-logger.js';

/**
 * Whether a client's persistent recursive watches work (ZooKeeper 3.6+ on the protocol
 * transport), learnt once per client and said once: instancers of every path share it.
 */
const unsupported = new WeakMap<ZkClient, string>();

/**
 * Why `client` has no persistent recursive watches, or undefined when it may have them. The native
 * transport never has them: a documented choice, not logged.
 */
export function treeWatchesUnsupported(client: ZkClient): string | undefined {
  if (client.transport === 'native') return 'the native transport has no persistent watches';
  return unsupported.get(client);
}

/**
 * Whether `error`, from an `addWatch`, says the watches cannot work here (the transport or the
 * server lacks them); if so, remembers it for the client and logs it once.
 */
export function isTreeWatchUnsupported(
  client: ZkClient,
  error: unknown,
  logger: ZkLogger,
): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code !== ZkCodes.UNIMPLEMENTED && code !== ZkCodes.MARSHALLINGERROR) return false;
  markUnsupported(client, `the server has no persistent watches (before ZooKeeper 3.6)`, logger);
  return true;
}

function markUnsupported(client: ZkClient, reason: string, logger: ZkLogger): void {
  if (unsupported.has(client)) return;
  unsupported.set(client, reason);
  logger.log(
    `Instancers of this client watch with one-shot watches (one children read per change): ${reason}`,
  );
}
