import { ZooKeeperServer } from 'nestjs-zk-discovery/testing';

// A throwaway ZooKeeper for trying things out: the one the library's own tests use (needs Java
// and Apache ZooKeeper installed, e.g. `apt-get install zookeeper`). Its data goes when it stops.
async function main() {
  const server = await ZooKeeperServer.start({ port: Number(process.env.ZK_PORT ?? 2181) });
  console.log(`ZooKeeper on ${server.connectString}; Ctrl-C stops it`);
  // The server never keeps a process alive by itself (test runners must exit): this does.
  const keepAlive = setInterval(() => {}, 60_000);
  const stop = () => {
    clearInterval(keepAlive);
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
void main();
