import 'reflect-metadata';
import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { buildProgram } from '../../lib/cli/program.js';
import {
  type HttpEndpoint,
  InjectEndpointer,
  ZkClient,
  ZkConnectError,
  ZkDiscoveryExceptionFilter,
  ZkDiscoveryModule,
  type ZkEndpointer,
} from '../../lib/index.js';
import { freePort } from '../../lib/testing/index.js';
import { RecordingLogger } from '../support/fixed-instance-source.js';
import { startServiceApp } from '../support/nest-apps.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const servers = inject('zkConnect');
const CONNECT_TIMEOUT_MS = 8000;

/** A gateway app with one endpointer of `path` behind GET /call, logging to `logger`. */
async function startGateway(
  zkServers: string,
  path: string,
  logger: RecordingLogger,
): Promise<{ app: INestApplication; url: string }> {
  @Controller()
  class CallController {
    constructor(
      @InjectEndpointer(path, { retry: { attempts: 2, timeoutMs: 500 }, startupWaitMs: 500 })
      private readonly target: ZkEndpointer<HttpEndpoint>,
    ) {}

    @Get('call')
    call(): Promise<unknown> {
      return this.target.call((endpoint) => endpoint.json('/'));
    }
  }
  @Module({
    // The module logs to `logger` even after another app of this process replaced Nest's logger.
    imports: [
      ZkDiscoveryModule.forRoot({
        servers: zkServers,
        connectTimeoutMs: CONNECT_TIMEOUT_MS,
        logger,
      }),
    ],
    controllers: [CallController],
    providers: [{ provide: APP_FILTER, useClass: ZkDiscoveryExceptionFilter }],
  })
  class GatewayModule {}
  const app = await NestFactory.create(GatewayModule, { logger });
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

describe('what a newcomer sees when something is wrong', () => {
  const apps: INestApplication[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  it('a gateway whose ZooKeeper refuses: the refusal is said at once, and its 503 says ZooKeeper, not "no instance"', async () => {
    const nobody = `127.0.0.1:${await freePort()}`;
    const logger = new RecordingLogger();
    const started = Date.now();
    const { app, url } = await startGateway(nobody, '/services/unreached', logger);
    apps.push(app);
    await waitFor(() => logger.matching(`Cannot reach ZooKeeper at "${nobody}"`).length > 0, {
      timeoutMs: CONNECT_TIMEOUT_MS - 2000,
    });
    expect(Date.now() - started).toBeLessThan(CONNECT_TIMEOUT_MS);
    expect(logger.matching(`Cannot reach ZooKeeper at "${nobody}"`)).toEqual([
      `Cannot reach ZooKeeper at "${nobody}": ${nobody} refused the connection (nothing listens there); still trying in the background`,
    ]);
    // Nothing speaks of a lost connection: there never was one.
    const shown = logger.lines.filter((line) => line.level !== 'debug');
    expect(shown.filter((line) => line.message.includes('connection was lost'))).toEqual([]);
    // The endpointer's startup line says why it starts empty.
    expect(logger.matching('/services/unreached: not read at startup')).toEqual([
      expect.stringContaining('the ZooKeeper client is connecting'),
    ]);

    const response = await fetch(`${url}/call`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'ZooKeeper cannot be reached, so the instances of /services/unreached are unknown',
      service: '/services/unreached',
      reason: 'zookeeper-unreachable',
    });
    expect(logger.matching('GET /call → 503')).toEqual([
      expect.stringMatching(/failed after .*: ZooKeeper unreachable; ZooKeeper unreachable$/),
    ]);
  });

  it('a service whose ZooKeeper refuses: says so at once and that it keeps trying until the connect timeout', async () => {
    const nobody = `127.0.0.1:${await freePort()}`;
    const logger = new RecordingLogger();
    const starting = startServiceApp({
      servers: nobody,
      path: uniqueRoot('refused'),
      name: 'svc',
      instanceName: 'A',
      module: { connectTimeoutMs: 3000, logger },
    }).catch((error: unknown) => error);
    await waitFor(() => logger.matching('Cannot reach ZooKeeper').length > 0, {
      timeoutMs: 2000,
    });
    expect(logger.matching('Cannot reach ZooKeeper')).toEqual([
      `Cannot reach ZooKeeper at "${nobody}": ${nobody} refused the connection (nothing listens there); still trying until the connect timeout (3000 ms)`,
    ]);
    expect(await starting).toBeInstanceOf(ZkConnectError);
  });

  it('an endpointer path that does not exist, or holds no instance: one warning at startup naming the path and the fix', async () => {
    const root = uniqueRoot('newcomer');
    const writer = await ZkClient.connect({ servers, logger: false });
    try {
      const logger = new RecordingLogger();
      const missing = await startGateway(servers, `${root}/missing`, logger);
      apps.push(missing.app);
      expect(logger.matching(`${root}/missing:`)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^${root}/missing: the path does not exist\\. Check that the service runs and registers under this exact path`,
          ),
        ),
      ]);
      expect(logger.lines.find((line) => line.message.startsWith(`${root}/missing:`))?.level).toBe(
        'warn',
      );

      await writer.ensurePath(`${root}/empty`);
      const emptyLogger = new RecordingLogger();
      const empty = await startGateway(servers, `${root}/empty`, emptyLogger);
      apps.push(empty.app);
      expect(emptyLogger.matching(`${root}/empty:`)).toEqual([
        expect.stringContaining(`${root}/empty: no instance is registered.`),
      ]);
      // One line per failed request, nothing more.
      const before = emptyLogger.lines.length;
      expect((await fetch(`${empty.url}/call`)).status).toBe(503);
      expect((await fetch(`${empty.url}/call`)).status).toBe(503);
      expect(emptyLogger.lines.slice(before).map((line) => line.message)).toEqual([
        expect.stringMatching(/^GET \/call → 503: .*none registered/),
        expect.stringMatching(/^GET \/call → 503: .*none registered/),
      ]);
    } finally {
      await writer.close();
    }
  });

  it('a gateway says what it found at startup, and when instances join and leave', async () => {
    const root = uniqueRoot('found');
    const path = `${root}/hello`;
    const services = [0, 1].map((n) =>
      startServiceApp({ servers, path: root, name: 'hello', instanceName: `S${n}` }),
    );
    const [first, second] = await Promise.all(services);
    try {
      const logger = new RecordingLogger();
      const gateway = await startGateway(servers, path, logger);
      apps.push(gateway.app);
      expect(logger.matching(`${path}:`)).toEqual([`${path}: 2 instances`]);

      const third = await startServiceApp({
        servers,
        path: root,
        name: 'hello',
        instanceName: 'S2',
      });
      await waitFor(() => logger.matching(`${path}: 1 joined`).length > 0, { timeoutMs: 10_000 });
      expect(logger.matching(`${path}: 1 joined`)).toEqual([
        expect.stringMatching(
          new RegExp(`^${path}: 1 joined \\(127\\.0\\.0\\.1:\\d+\\); 3 instances now$`),
        ),
      ]);
      await Promise.all([third.app.close(), second!.app.close()]);
      const left = () =>
        logger
          .matching(' left (')
          .map((line) => Number(/: (\d+) left/.exec(line)?.[1] ?? 0))
          .reduce((sum, n) => sum + n, 0);
      await waitFor(() => left() === 2, { timeoutMs: 15_000 });
      expect(logger.matching(' left (').at(-1)).toMatch(/; 1 instance now$/);
    } finally {
      await first!.app.close();
      await second!.app.close().catch(() => undefined);
    }
  });

  it("the CLI's --help names the five formats it reads", async () => {
    let out = '';
    const program = buildProgram({
      stdout: (text: string) => {
        out += text;
      },
      stderr: () => {},
      env: {},
    } as never);
    await program.parseAsync(['node', 'zk-discovery', '--help']).catch(() => undefined);
    expect(out.replace(/\s+/g, ' ')).toContain(
      'go-kit, Curator and Spring Cloud Zookeeper instances, Dubbo providers and Finagle serversets',
    );
  });
});
