import { ZkClient } from '../../lib/client/index.js';
import { FaultProxy, ZooKeeperServer } from '../../lib/testing/index.js';

/** A server of its own, a fault proxy in front of it, and an observer client that bypasses it. */
export interface ProxiedServer {
  server: ZooKeeperServer;
  proxy: FaultProxy;
  observer: ZkClient;
  stop(): Promise<void>;
}

export async function startProxiedServer(): Promise<ProxiedServer> {
  const server = await ZooKeeperServer.start();
  const proxy = await FaultProxy.start({ host: server.host, port: server.port });
  const observer = await ZkClient.connect({ servers: server.connectString });
  return {
    server,
    proxy,
    observer,
    async stop() {
      await observer.close();
      await proxy.close();
      await server.stop();
    },
  };
}
