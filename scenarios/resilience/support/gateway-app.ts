/**
 * A gateway in front of the hello instances, as a child process of a scenario (started by
 * `GatewayProcess`): a Nest app whose `@InjectEndpointer` follows the hello path and whose
 * `GET /hello` forwards to one instance (round robin, retry). Arguments: `<servers> <session ms>`.
 *
 * It tells its parent over IPC when it listens, and every snapshot its endpointer takes (so the
 * parent knows each consumer's view); a failed call answers 502 with the instances its attempts
 * went to (`tried`), so the parent can tell which failures a dead instance explains. It answers
 * heap probes, and stops when told to.
 */
import 'reflect-metadata';
import { Controller, type DynamicModule, Get, HttpException, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { exitWhenTold } from '../../../bench/e2e/messages.js';
import type { ZkClient } from '../../../lib/client/index.js';
import {
  getEndpointerToken,
  getZkClientToken,
  type HttpEndpoint,
  InjectEndpointer,
  ZkDiscoveryModule,
  type ZkEndpointer,
} from '../../../lib/index.js';
import type { GatewayFailure, GatewayMessage } from './gateway-process.js';
import { HELLO_PATH } from './hello-process.js';
import { answerHeapProbes } from './process-probe.js';
import { urlOf } from './timeline.js';

@Controller()
class GatewayController {
  constructor(@InjectEndpointer(HELLO_PATH) private readonly hello: ZkEndpointer<HttpEndpoint>) {}

  @Get('hello')
  async callHello(): Promise<unknown> {
    const tried: string[] = [];
    try {
      return await this.hello.call((endpoint, { signal }) => {
        tried.push(endpoint.url);
        return endpoint.json('/hello', { signal });
      });
    } catch (error) {
      const failure: GatewayFailure = {
        error: error instanceof Error ? error.message : String(error),
        tried,
      };
      throw new HttpException(failure, 502);
    }
  }
}

@Module({})
class GatewayAppModule {
  static register(servers: string, sessionTimeoutMs: number): DynamicModule {
    return {
      module: GatewayAppModule,
      imports: [
        ZkDiscoveryModule.forRoot({
          servers,
          sessionTimeoutMs,
          endpointer: { balancer: 'roundRobin' },
          logger: false,
        }),
      ],
      controllers: [GatewayController],
    };
  }
}

function tell(message: GatewayMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const [servers, sessionText] = process.argv.slice(2);
  const sessionTimeoutMs = Number(sessionText);
  if (!servers || !(sessionTimeoutMs > 0) || !process.send) {
    throw new Error('usage (forked, with IPC): gateway-app.js <servers> <session ms>');
  }
  const app = await NestFactory.create(GatewayAppModule.register(servers, sessionTimeoutMs), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  const client = app.get<ZkClient>(getZkClientToken());
  const endpointer = app.get<ZkEndpointer<HttpEndpoint>>(getEndpointerToken(HELLO_PATH));
  exitWhenTold(() => app.close());
  answerHeapProbes();
  tell({ type: 'ready', url: await app.getUrl(), transport: client.transport });
  endpointer.subscribe((snapshot) =>
    tell({
      type: 'view',
      urls: snapshot.instances.map(urlOf),
      ids: snapshot.instances.map((instance) => instance.id),
      stale: snapshot.stale,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
