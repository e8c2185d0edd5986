/**
 * One Greeter instance (sample/06-grpc, a Nest gRPC microservice), registered in ZooKeeper under
 * /services/greeter/grpc at bootstrap: `<servers> <port>`. Says `grpc://127.0.0.1:<port>` when
 * ready.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
// By name, as the sample imports it: one copy of the library in this process.
import { ZkDiscoveryService } from 'nestjs-zk-discovery';
import { HELLO_PROTO } from '../../sample/06-grpc/greeter.contract.js';
import { GreeterModule } from '../../sample/06-grpc/greeter.module.js';
import { exitWhenTold, tell } from './messages.js';

async function main(): Promise<void> {
  const [servers, portText] = process.argv.slice(2);
  const port = Number(portText);
  if (!servers || !(port > 0)) throw new Error('usage: grpc-instance-process.js <servers> <port>');
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(
    GreeterModule.register(servers, port),
    {
      transport: Transport.GRPC,
      options: { package: 'hello', protoPath: HELLO_PROTO, url: `127.0.0.1:${port}` },
      logger: false,
    },
  );
  await app.listen();
  await app.get(ZkDiscoveryService).whenRegistered();
  exitWhenTold(() => app.close());
  await tell({ type: 'ready', url: `grpc://127.0.0.1:${port}` });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
