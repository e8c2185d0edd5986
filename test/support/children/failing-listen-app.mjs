// A Nest app whose listen() fails after its ZooKeeper module connected (the port is taken), with
// the usual `bootstrap().catch(...)`. Arguments: <compiled lib dir> <servers> <taken port> <path>.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

const [dist, servers, port, path] = process.argv.slice(2);
const { ZkDiscoveryModule, ZkDiscoveryService } = await import(`${dist}/index.js`);

class AppModule {}
Module({
  imports: [
    ZkDiscoveryModule.forRoot({
      servers,
      sessionTimeoutMs: 30_000,
      registration: { path, name: 'svc' },
    }),
  ],
})(AppModule);

async function bootstrap() {
  const app = await NestFactory.create(AppModule, { logger: ['error'] });
  app.enableShutdownHooks();
  console.log(`SESSION ${app.get(ZkDiscoveryService).client.sessionId}`);
  await app.listen(Number(port), '127.0.0.1');
}
bootstrap().catch((error) => console.error(`bootstrap failed: ${error.message}`));
