import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ZkDiscoveryModule, ZkDiscoveryService } from 'nestjs-zk-discovery';

@Controller()
class HelloController {
  @Get('hello')
  hello() {
    return { message: 'hello', pid: process.pid };
  }
}

@Module({
  imports: [
    ZkDiscoveryModule.forRoot({
      servers: process.env.ZK_SERVERS ?? '127.0.0.1:2181',
      // This app is an instance of /services/hello/abc.
      registration: { path: '/services/hello', name: 'abc' },
    }),
  ],
  controllers: [HelloController],
})
class ServiceModule {}

async function bootstrap() {
  const app = await NestFactory.create(ServiceModule);
  app.enableShutdownHooks(); // SIGTERM deregisters this instance before the server stops
  // 127.0.0.1 for a try on one machine; leave the host out to serve on every interface.
  await app.listen(Number(process.env.PORT ?? 3001), '127.0.0.1');
  // listen() resolves before the instance node exists: this waits for it.
  const node = await app.get(ZkDiscoveryService).whenRegistered();
  console.log(`registered ${node} for ${await app.getUrl()}`);
}
void bootstrap();
