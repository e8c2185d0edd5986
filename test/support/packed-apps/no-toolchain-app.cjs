// The app of the no-toolchain install test (test/packed-install.test.ts): a Nest app installed
// with --ignore-scripts and no C/C++ toolchain. It registers itself, discovers itself through an
// endpointer, and prints one JSON line: its transport, its node, what it discovered, and whether
// the native `zookeeper` package is installed at all.
require('reflect-metadata');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { ZkDiscoveryModule, ZkDiscoveryService, getZkClientToken } = require('nestjs-zk-discovery');

async function main() {
  const [name, servers] = process.argv.slice(2);
  class AppModule {}
  Module({
    imports: [
      ZkDiscoveryModule.forRoot({
        servers,
        registration: { path: '/services/no-toolchain', name, drainDelayMs: 0 },
        logger: false,
      }),
    ],
  })(AppModule);
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const discovery = app.get(ZkDiscoveryService);
  const node = await discovery.whenRegistered();
  const endpointer = discovery.getEndpointer(`/services/no-toolchain/${name}`);
  const deadline = Date.now() + 10_000;
  while (endpointer.instances().length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  let nativeInstalled = true;
  try {
    require.resolve('zookeeper');
  } catch {
    nativeInstalled = false;
  }
  const result = {
    transport: app.get(getZkClientToken()).transport,
    node,
    url: await app.getUrl(),
    discovered: endpointer.instances().map((instance) => instance.url),
    nativeInstalled,
  };
  await app.close();
  console.log(JSON.stringify(result));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
