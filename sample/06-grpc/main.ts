import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { HELLO_PROTO } from './greeter.contract.js';
import { GreeterModule } from './greeter.module.js';

/**
 * Runs one Greeter instance: `ZK_SERVERS=127.0.0.1:2181 PORT=50051 node
 * .build/sample/06-grpc/main.js` (start two or more, on different PORTs).
 */
async function main(): Promise<void> {
  const servers = process.env.ZK_SERVERS ?? '127.0.0.1:2181';
  const port = Number(process.env.PORT ?? 50051);
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(
    GreeterModule.register(servers, port),
    {
      transport: Transport.GRPC,
      options: { package: 'hello', protoPath: HELLO_PROTO, url: `127.0.0.1:${port}` },
    },
  );
  app.enableShutdownHooks();
  await app.listen();
  console.log(`greeter listening on grpc://127.0.0.1:${port}`);
}

void main();
