import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import {
  type HttpEndpoint,
  InjectEndpointer,
  ZkDiscoveryExceptionFilter,
  ZkDiscoveryModule,
  type ZkEndpointer,
} from 'nestjs-zk-discovery';

@Controller()
class GatewayController {
  constructor(
    @InjectEndpointer('/services/hello/abc') private readonly hello: ZkEndpointer<HttpEndpoint>,
  ) {}

  @Get('hello')
  callHello() {
    // A round-robin pick; if it fails, another instance (3 attempts within 10 s).
    return this.hello.call((endpoint, { signal }) => endpoint.json('/hello', { signal }));
  }
}

@Module({
  imports: [ZkDiscoveryModule.forRoot({ servers: process.env.ZK_SERVERS ?? '127.0.0.1:2181' })],
  controllers: [GatewayController],
  // No instance → 503, failing instances → 502/504, their 4xx passed on; one log line each.
  providers: [{ provide: APP_FILTER, useClass: ZkDiscoveryExceptionFilter }],
})
class GatewayModule {}

async function bootstrap() {
  const app = await NestFactory.create(GatewayModule);
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
  console.log(`gateway on ${await app.getUrl()}/hello`);
}
void bootstrap();
