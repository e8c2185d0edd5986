/**
 * A gateway in front of the hello instances: `<servers> discovery` is sample/02-gateway
 * (`@InjectEndpointer`, round robin, retry, `HttpEndpoint`); `<servers> static <url>...` is the
 * same route taking the given instances in turn with a bare `fetch`, and `<servers> undici
 * <url>...` the same by hand on undici's `request` (a keep-alive Pool per instance, the
 * reference the library's endpoint is held to), to tell the extra HTTP hop from the library's
 * own cost.
 */
import 'reflect-metadata';
import { setTimeout as delay } from 'node:timers/promises';
import { Controller, type DynamicModule, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Pool } from 'undici';
import { GatewayModule } from '../../sample/02-gateway/gateway.module.js';
import { GatewayService } from '../../sample/02-gateway/gateway.service.js';
import { exitWhenTold, tell } from './messages.js';

const INSTANCES = 3;

@Module({})
class UndiciGatewayModule {
  static register(targets: readonly string[]): DynamicModule {
    const pools = targets.map((target) => new Pool(target));
    let next = 0;
    @Controller()
    class UndiciGatewayController {
      @Get('hello')
      async hello(): Promise<unknown> {
        const pool = pools[next++ % pools.length]!;
        const { body } = await pool.request({
          path: '/hello',
          method: 'GET',
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(5000),
        });
        return body.json();
      }
    }
    return { module: UndiciGatewayModule, controllers: [UndiciGatewayController] };
  }
}

@Module({})
class StaticGatewayModule {
  static register(targets: readonly string[]): DynamicModule {
    let next = 0;
    @Controller()
    class StaticGatewayController {
      @Get('hello')
      async hello(): Promise<unknown> {
        const target = targets[next++ % targets.length];
        const response = await fetch(`${target}/hello`, {
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(5000),
        });
        return response.json();
      }
    }
    return { module: StaticGatewayModule, controllers: [StaticGatewayController] };
  }
}

async function main(): Promise<void> {
  const [servers, mode, ...targets] = process.argv.slice(2);
  const byHand = (mode === 'static' || mode === 'undici') && targets.length > 0;
  if (!servers || (mode !== 'discovery' && !byHand)) {
    throw new Error(
      'usage: gateway-process.js <servers> discovery | <servers> static|undici <url>...',
    );
  }
  const module =
    mode === 'discovery'
      ? GatewayModule.register(servers)
      : mode === 'undici'
        ? UndiciGatewayModule.register(targets)
        : StaticGatewayModule.register(targets);
  const app = await NestFactory.create(module, { logger: false });
  await app.listen(0, '127.0.0.1');
  if (mode === 'discovery') {
    // Setup, not measured: the gateway has bootstrapped with the instances registered so far.
    const gateway = app.get(GatewayService);
    while (gateway.instances().length < INSTANCES) await delay(10);
  }
  exitWhenTold(() => app.close());
  await tell({ type: 'ready', url: await app.getUrl() });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
