// The tiny registering app of test/package/packed-install.test.ts, written once for both module
// systems: `cjs-app.cjs` hands it the package's entries loaded with require(), `esm-app.mjs` with
// import. It loads nothing itself, so each app proves its own way of loading.
//
// Plain JavaScript, as a user's compiled app is: decorators are applied as functions.

/** Starts an HTTP app that registers under /services/packed/<name>, with a terminus health check. */
async function run(
  name,
  servers,
  { common, core: nestCore, terminus, root, coreEntry, health, testing },
) {
  const { Controller, Get, Inject, Module } = common;
  const { ZkDiscoveryModule, ZkDiscoveryService } = root;
  const { ZkHealthIndicator } = health;

  class HealthController {
    constructor(checks, zookeeper) {
      this.checks = checks;
      this.zookeeper = zookeeper;
    }
    check() {
      return this.checks.check([() => this.zookeeper.isHealthy('zookeeper')]);
    }
  }
  Inject(terminus.HealthCheckService)(HealthController, undefined, 0);
  Inject(ZkHealthIndicator)(HealthController, undefined, 1);
  const check = Object.getOwnPropertyDescriptor(HealthController.prototype, 'check');
  Get('health')(HealthController.prototype, 'check', check);
  Controller()(HealthController);

  class AppModule {}
  Module({
    imports: [
      ZkDiscoveryModule.forRoot({
        servers,
        registration: { path: '/services/packed', name, drainDelayMs: 0 },
        logger: false,
      }),
      terminus.TerminusModule,
    ],
    controllers: [HealthController],
    providers: [ZkHealthIndicator],
  })(AppModule);

  const app = await nestCore.NestFactory.create(AppModule, { logger: false });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const node = await app.get(ZkDiscoveryService).whenRegistered();
  const url = await app.getUrl();
  const response = await fetch(`${url}/health`);
  const healthBody = await response.json();

  // The core entry, as a user without Nest would use it: read our own node back.
  const client = await coreEntry.ZkClient.connect({ servers });
  const { data } = await client.getData(node);
  await client.close();
  await app.close();
  return {
    node,
    url: url.replace('[::1]', '127.0.0.1'),
    data: data.toString('utf8'),
    health: { status: response.status, zookeeper: healthBody.info?.zookeeper?.status },
    testingEntry: typeof testing.ZooKeeperServer,
  };
}

module.exports = { run };
