import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { MathModule } from './math.module.js';

/** Runs the TCP service: `ZK_SERVERS=127.0.0.1:2181 PORT=4000 node .build/sample/03-tcp-microservice/main.js` */
async function main(): Promise<void> {
  const servers = process.env.ZK_SERVERS ?? '127.0.0.1:2181';
  const port = Number(process.env.PORT ?? 4000);
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(
    MathModule.register(servers, port),
    {
      transport: Transport.TCP,
      options: { host: '127.0.0.1', port },
    },
  );
  app.enableShutdownHooks();
  await app.listen();
  console.log(`math microservice listening on tcp://127.0.0.1:${port}`);
}

void main();
