import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { GreeterGatewayModule } from './greeter-gateway.module.js';

/**
 * Runs the HTTP app in front of the Greeter: `ZK_SERVERS=127.0.0.1:2181 PORT=3003 node
 * .build/sample/06-grpc/gateway.js`, then `curl 'http://127.0.0.1:3003/hello?name=Ada'`, with
 * Greeter instances (main.ts) running, started before or after it.
 */
async function main(): Promise<void> {
  const servers = process.env.ZK_SERVERS ?? '127.0.0.1:2181';
  const app = await NestFactory.create(GreeterGatewayModule.register(servers));
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3003), '127.0.0.1');
  console.log(`greeter gateway listening on ${await app.getUrl()}: GET /hello?name=Ada`);
}

void main();
