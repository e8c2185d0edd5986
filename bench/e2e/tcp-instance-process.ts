/**
 * One TCP math instance (sample/03-tcp-microservice), registered in ZooKeeper under
 * /services/math/tcp at bootstrap: `<servers> <port>`. Says `tcp://127.0.0.1:<port>` when ready.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
// By name, as the sample imports it: one copy of the library in this process.
import { ZkDiscoveryService } from 'nestjs-zk-discovery';
import { MathModule } from '../../sample/03-tcp-microservice/math.module.js';
import { exitWhenTold, tell } from './messages.js';

async function main(): Promise<void> {
  const [servers, portText] = process.argv.slice(2);
  const port = Number(portText);
  if (!servers || !(port > 0)) throw new Error('usage: tcp-instance-process.js <servers> <port>');
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(
    MathModule.register(servers, port),
    { transport: Transport.TCP, options: { host: '127.0.0.1', port }, logger: false },
  );
  await app.listen();
  await app.get(ZkDiscoveryService).whenRegistered();
  exitWhenTold(() => app.close());
  await tell({ type: 'ready', url: `tcp://127.0.0.1:${port}` });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
