// A Nest app whose startup fails after its ZooKeeper module connected, with the usual
// `bootstrap().catch(...)` that only logs. Arguments: <compiled lib dir> <servers> <service path>
// <how> <ephemeral node>, where <how> is `listen:<taken port>` (the port is in use) or `metrics`
// (metrics: true without prom-client; run with --import hide-optional-peers.mjs). Before
// failing, the app's session holds <ephemeral node> (as a lock or a leader latch would), so the
// parent can tell a closed session from an abandoned one.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

const [dist, servers, path, how, ephemeral] = process.argv.slice(2);
const { ZkDiscoveryModule, getZkClientToken } = await import(`${dist}/index.js`);

// Takes the ephemeral node as soon as the client exists (before the rest of startup can fail).
class LockHolder {
  static async create(client) {
    await client.create(ephemeral, 'held', { mode: 'ephemeral' });
    console.log(`HOLDING ${ephemeral}`);
    return new LockHolder();
  }
}

class AppModule {}
Module({
  imports: [
    ZkDiscoveryModule.forRoot({
      servers,
      sessionTimeoutMs: 30_000,
      registration: { path, name: 'svc' },
      metrics: how === 'metrics',
    }),
  ],
  providers: [
    { provide: LockHolder, inject: [getZkClientToken()], useFactory: (c) => LockHolder.create(c) },
  ],
})(AppModule);

async function bootstrap() {
  const app = await NestFactory.create(AppModule, { logger: ['error'], abortOnError: false });
  app.enableShutdownHooks();
  await app.listen(Number(how.slice('listen:'.length)), '127.0.0.1');
}
bootstrap().catch((error) => console.error(`bootstrap failed: ${error.message}`));
