import { NativeHandle } from './native-handle.js';
import { DEFAULT_MAX_FRAME_BYTES } from './protocol/protocol.constants.js';
import { ProtocolHandle } from './protocol/protocol-handle.js';
import type { ResolvedZkClientOptions } from './zk-client.options.js';
import type { ZkHandle, ZkHandleEvents } from './zk-handle.js';
import type { ZkServerAddress } from './zk-server-address.js';

/**
 * Opens a session handle on the transport the options chose; the protocol transport makes its
 * first connection attempt after `connectAfterMs` (the native one connects at once).
 */
export function openTransportHandle(
  options: ResolvedZkClientOptions,
  servers: readonly ZkServerAddress[],
  connectAfterMs: number,
  events: ZkHandleEvents,
): ZkHandle {
  if (options.transport === 'native') {
    return new NativeHandle(options.connectString, options.sessionTimeoutMs, events);
  }
  const chrootAt = options.connectString.indexOf('/');
  return new ProtocolHandle(
    {
      servers,
      chroot: chrootAt === -1 ? '' : options.connectString.slice(chrootAt),
      sessionTimeoutMs: options.sessionTimeoutMs,
      tls: options.tls,
      canBeReadOnly: options.allowReadOnly,
      keepProcessAlive: options.keepProcessAlive,
      maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
      logger: options.logger,
      connectAfterMs,
    },
    events,
  );
}
