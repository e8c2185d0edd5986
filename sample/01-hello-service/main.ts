import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { HelloModule } from './hello.module.js';

/**
 * Runs one hello instance: `ZK_SERVERS=127.0.0.1:2181 PORT=3001 node .build/sample/01-hello-service/main.js`
 */
async function main(): Promise<void> {
  const servers = process.env.ZK_SERVERS ?? '127.0.0.1:2181';
  const port = Number(process.env.PORT ?? 0);
  const app = await NestFactory.create(
    HelloModule.register({ servers, instanceName: `hello-${process.pid}` }),
  );
  app.enableShutdownHooks();
  await app.listen(port, '127.0.0.1');
  console.log(`hello instance listening on ${await app.getUrl()}`);
}

void main();
