import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MathClientModule } from './math-client.module.js';

/**
 * Runs the HTTP app in front of the math service:
 * `ZK_SERVERS=127.0.0.1:2181 PORT=3001 node .build/sample/04-microservice-client/main.js`, then
 * `curl 'http://127.0.0.1:3001/sum?numbers=1,2,3'`. Start sample/03-tcp-microservice (two or more,
 * on different PORTs) first, or after: instances are followed as they come and go.
 */
async function main(): Promise<void> {
  const servers = process.env.ZK_SERVERS ?? '127.0.0.1:2181';
  const app = await NestFactory.create(MathClientModule.register(servers));
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3001), '127.0.0.1');
  console.log(`math client listening on ${await app.getUrl()}: GET /sum?numbers=1,2,3`);
}

void main();
