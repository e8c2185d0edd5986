import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { GatewayModule } from './gateway.module.js';

/** Runs the gateway: `ZK_SERVERS=127.0.0.1:2181 PORT=3000 node .build/sample/02-gateway/main.js` */
async function main(): Promise<void> {
  const servers = process.env.ZK_SERVERS ?? '127.0.0.1:2181';
  const app = await NestFactory.create(GatewayModule.register(servers));
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
  console.log(`gateway listening on ${await app.getUrl()}: GET /hello, GET /instances`);
}

void main();
