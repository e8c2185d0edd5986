import { connect } from 'node:tls';
import type { ZooKeeperClientTls } from './test-certificates.js';

/**
 * Completes a TLS handshake with `host:port` as the kit's client (its certificate, trusting only
 * its CA) and hangs up without a ZooKeeper request, so no session is made. It is how `start()`
 * knows the secure port serves: ZooKeeper answers `ruok` on the plain port before it has bound
 * the secure one. Rejects with the handshake's error, or when there is no answer in `timeoutMs`.
 */
export function tlsHandshake(
  host: string,
  port: number,
  tls: ZooKeeperClientTls,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, ...tls });
    const timer = setTimeout(
      () =>
        socket.destroy(new Error(`no TLS handshake with ${host}:${port} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    });
  });
}
