import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  getEndpointerToken,
  getZkClientToken,
  InjectZkClient,
  ZkClient,
  ZkDiscoveryModule,
  ZkDiscoveryService,
  type ZkEndpointer,
} from '../../lib/index.js';
import { endpointerHolder } from '../support/nest-apps.js';
import { uniqueRoot } from '../support/unique-root.js';

const servers = inject('zkConnect');
const ROOT = uniqueRoot();
const PATH = `${ROOT}/svc/a`;

@Injectable()
class UsesClient {
  constructor(@InjectZkClient() readonly client: ZkClient) {}
}

/** Injected by constructor type only: proves decorator metadata survives the test transform. */
@Injectable()
class UsesDiscoveryByType {
  constructor(readonly discovery: ZkDiscoveryService) {}
}

describe('ZkDiscoveryModule API', () => {
  let writer: ZkClient;

  beforeAll(async () => {
    writer = await ZkClient.connect({ servers });
    await writer.ensurePath(PATH);
    await writer.create(`${PATH}/i1`, 'http://127.0.0.1:1234', { mode: 'ephemeral' });
  });
  afterAll(() => writer.close());

  it('DI smoke test: providers are injected by constructor type and by token', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ZkDiscoveryModule.forRoot({ servers, logger: false })],
      providers: [UsesClient, UsesDiscoveryByType],
    }).compile();
    await moduleRef.init();
    expect(moduleRef.get(UsesDiscoveryByType).discovery).toBeInstanceOf(ZkDiscoveryService);
    expect(moduleRef.get(UsesClient).client).toBe(moduleRef.get(getZkClientToken()));
    expect(moduleRef.get(UsesClient).client.state).toBe('connected');
    await moduleRef.close();
  });

  it('forRootAsync with ConfigModule: options come from configuration', async () => {
    const Holder = endpointerHolder(PATH);
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ zk: { servers } })] }),
        ZkDiscoveryModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            servers: config.getOrThrow<string>('zk.servers'),
            logger: false,
          }),
        }),
      ],
      providers: [Holder],
    }).compile();
    await moduleRef.init();
    expect(
      moduleRef
        .get(Holder)
        .endpointer.instances()
        .map((i) => i.url),
    ).toEqual(['http://127.0.0.1:1234']);
    await moduleRef.close();
  });

  it('forRootAsync with useClass', async () => {
    @Injectable()
    class ZkConfig {
      createZkDiscoveryOptions() {
        return { servers, logger: false as const };
      }
    }
    const moduleRef = await Test.createTestingModule({
      imports: [ZkDiscoveryModule.forRootAsync({ useClass: ZkConfig })],
    }).compile();
    await moduleRef.init();
    // The options came from the class: the client connects to its servers (nothing in this app
    // waits for the connection at startup: no registration, no endpointer).
    const client = moduleRef.get<ZkClient>(getZkClientToken());
    await client.waitUntilConnected(5_000);
    expect(client.servers).toBe(servers);
    await moduleRef.close();
  });

  it('forFeature provides endpointers for a module of its own; getEndpointer works at runtime', async () => {
    const featurePath = `${ROOT}/feature/x`;
    @Module({ imports: [ZkDiscoveryModule.forFeature([`${featurePath.slice(1)}/`])] })
    class FeatureModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [ZkDiscoveryModule.forRoot({ servers, logger: false }), FeatureModule],
    }).compile();
    await moduleRef.init();
    const fromFeature = moduleRef
      .select(FeatureModule)
      .get<ZkEndpointer<unknown>>(getEndpointerToken(featurePath));
    const runtime = moduleRef.get(ZkDiscoveryService).getEndpointer(PATH);
    await runtime.ready();
    expect(runtime.instances().map((i) => i.id)).toEqual(['i1']);
    // One endpointer per path: the token, the runtime getter and forFeature share it.
    expect(moduleRef.get(ZkDiscoveryService).getEndpointer(featurePath)).toBe(fromFeature);
    expect(fromFeature.path).toBe(featurePath);
    await moduleRef.close();
  });

  it('an unknown endpointer path fails with an error naming the path', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ZkDiscoveryModule.forRoot({ servers, logger: false })],
    }).compile();
    const undeclared = `ZkDiscovery:Endpointer:${ROOT}/never/declared`;
    expect(() => moduleRef.get(undeclared)).toThrow(`${ROOT}/never/declared`);
    expect(() => moduleRef.get(ZkDiscoveryService).getEndpointer('not//valid')).toThrow(
      /endpointer path "\/not\/\/valid".*segment "" is not allowed.*absolute ZooKeeper path/,
    );
    await moduleRef.close();
  });

  it('importing forRoot twice in one application is detected', async () => {
    @Module({ imports: [ZkDiscoveryModule.forRoot({ servers, logger: false })] })
    class Inner {}
    const error = await NestFactory.create(
      {
        module: class Outer {},
        imports: [ZkDiscoveryModule.forRoot({ servers, logger: false }), Inner],
      },
      { logger: false, abortOnError: false },
    ).catch((e: unknown) => e);
    expect(String(error)).toContain('forRoot()/forRootAsync() is imported more than once');
  });

  it('unknown and invalid options fail at startup, naming the option and the fix', async () => {
    const start = (options: object) =>
      Test.createTestingModule({ imports: [ZkDiscoveryModule.forRoot(options as never)] })
        .compile()
        .catch((e: unknown) => String(e));
    expect(await start({ servers, sesionTimeoutMs: 1 })).toMatch(
      /Unknown ZkDiscoveryModule option `sesionTimeoutMs`.*spelling/,
    );
    expect(await start({ servers, registration: { path: 'rel', name: 'a' } })).toMatch(
      /registration.path.*"rel": it is relative/,
    );
    expect(await start({ servers, registration: { path: '/s', name: '' } })).toMatch(
      /registration.name.*empty/,
    );
    expect(await start({ servers, registration: { path: '/s', name: 'a', port: 0 } })).toMatch(
      /registration.port`: 0/,
    );
    expect(await start({ servers: 'zk1' })).toMatch(/`servers` option "zk1".*not host:port/);
  });
});
