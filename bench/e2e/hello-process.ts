/** One hello instance (sample/01-hello-service), registered in ZooKeeper: `<servers> <name>`. */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
// By name, as the sample imports it: one copy of the library in this process.
import { ZkDiscoveryService } from 'nestjs-zk-discovery';
import { HelloModule } from '../../sample/01-hello-service/hello.module.js';
import { exitWhenTold, tell } from './messages.js';

async function main(): Promise<void> {
  const [servers, instanceName] = process.argv.slice(2);
  if (!servers || !instanceName) throw new Error('usage: hello-process.js <servers> <name>');
  const app = await NestFactory.create(
    HelloModule.register({ servers, instanceName, drainDelayMs: 0 }),
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  await app.get(ZkDiscoveryService).whenRegistered();
  exitWhenTold(() => app.close());
  await tell({ type: 'ready', url: await app.getUrl() });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
