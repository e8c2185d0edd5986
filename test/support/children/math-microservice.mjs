// A Nest TCP microservice in a process of its own (so a test can kill it), registering itself in
// ZooKeeper with the library's module (registration mode 'bootstrap', go-kit data
// tcp://127.0.0.1:<port>). Arguments: <compiled lib dir> <servers> <service path> <name> <port>
// <instance name> <session ms>. Prints REGISTERED <node> once registered.
// Patterns: 'whoami' answers the instance name; 'fail' throws an RpcException (and counts it);
// 'slow' answers after the given milliseconds; 'stream' answers three values; 'counts' answers
// { name, fails, events }; event 'hit' is counted.
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern, RpcException, Transport } from '@nestjs/microservices';
import { of } from 'rxjs';

const [dist, servers, path, name, port, instanceName, sessionMs] = process.argv.slice(2);
const { ZkDiscoveryModule, ZkDiscoveryService } = await import(`${dist}/index.js`);

const counts = { fails: 0, events: 0 };

class MathController {
  whoami() {
    return instanceName;
  }
  fail() {
    counts.fails++;
    throw new RpcException({ code: 'BOOM', instance: instanceName });
  }
  async slow(ms) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return instanceName;
  }
  stream() {
    return of(1, 2, 3);
  }
  counts() {
    return { name: instanceName, ...counts };
  }
  hit() {
    counts.events++;
  }
}
const handlers = {
  whoami: MessagePattern,
  fail: MessagePattern,
  slow: MessagePattern,
  stream: MessagePattern,
  counts: MessagePattern,
  hit: EventPattern,
};
for (const [method, decorator] of Object.entries(handlers)) {
  const descriptor = Object.getOwnPropertyDescriptor(MathController.prototype, method);
  decorator(method)(MathController.prototype, method, descriptor);
}
Controller()(MathController);

class AppModule {}
Module({
  imports: [
    ZkDiscoveryModule.forRoot({
      servers,
      sessionTimeoutMs: Number(sessionMs),
      logger: false,
      registration: {
        path,
        name,
        mode: 'bootstrap',
        scheme: 'tcp',
        host: '127.0.0.1',
        port: Number(port),
        drainDelayMs: 0,
      },
    }),
  ],
  controllers: [MathController],
})(AppModule);

const app = await NestFactory.createMicroservice(AppModule, {
  transport: Transport.TCP,
  options: { host: '127.0.0.1', port: Number(port) },
  logger: false,
});
app.enableShutdownHooks();
await app.listen();
console.log(`REGISTERED ${await app.get(ZkDiscoveryService).whenRegistered()}`);
