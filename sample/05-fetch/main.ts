import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FetchGatewayModule } from './fetch-gateway.module.js';

/**
 * Runs the gateway: `ZK_SERVERS=127.0.0.1:2181 PORT=3002 node .build/sample/05-fetch/main.js`, then
 * `curl http://127.0.0.1:3002/hello`, with sample/01-hello-service instances running.
 */
async function main(): Promise<void> {
  const servers = process.env.ZK_SERVERS ?? '127.0.0.1:2181';
  const app = await NestFactory.create(FetchGatewayModule.register(servers));
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3002), '127.0.0.1');
  console.log(`fetch gateway listening on ${await app.getUrl()}: GET /hello, GET /instances`);
}

void main();
