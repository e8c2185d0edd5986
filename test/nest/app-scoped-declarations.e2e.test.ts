import 'reflect-metadata';
import { type INestApplicationContext, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type EndpointFactory,
  getEndpointerToken,
  InjectEndpointer,
  ZkClient,
  ZkDiscoveryModule,
  ZkDiscoveryService,
  type ZkEndpointer,
} from '../../lib/index.js';
import { namedEndpointerPaths } from '../../lib/nest/inject-endpointer.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const servers = inject('zkConnect');
const ROOT = uniqueRoot('app-scoped');
const SHARED = `${ROOT}/shared`;
const ONLY_IN_FIRST = `${ROOT}/only-first`;

/** An endpoint factory whose endpoints say which app made them. */
const taggedBy =
  (app: string): EndpointFactory<string> =>
  (instance) => ({
    endpoint: `${app}:${instance.id}`,
  });

// Two classes ask for the same path with different options: fine, as long as they live in
// different applications (this file would not even load when declarations were process-wide).
@Injectable()
class FirstAppHolder {
  constructor(
    @InjectEndpointer(SHARED, { factory: taggedBy('first') })
    readonly shared: ZkEndpointer<string>,
    @InjectEndpointer(ONLY_IN_FIRST) readonly onlyFirst: ZkEndpointer<unknown>,
  ) {}
}

@Injectable()
class SecondAppHolder {
  constructor(
    @InjectEndpointer(SHARED, { factory: taggedBy('second') })
    readonly shared: ZkEndpointer<string>,
  ) {}
}

async function startApp(holder: new (...args: never[]) => unknown) {
  @Module({
    imports: [ZkDiscoveryModule.forRoot({ servers, logger: false })],
    providers: [holder],
  })
  class AppModule {}
  const app = await NestFactory.createApplicationContext(AppModule, {
    logger: false,
    abortOnError: false,
  });
  await app.init();
  return app;
}

describe('endpointer declarations belong to the application whose classes make them', () => {
  let writer: ZkClient;
  let first: INestApplicationContext;
  let second: INestApplicationContext;

  beforeAll(async () => {
    writer = await ZkClient.connect({ servers });
    await writer.ensurePath(SHARED);
    await writer.create(`${SHARED}/_c_instance-0000000001`, 'http://127.0.0.1:1', {
      mode: 'ephemeral',
    });
    first = await startApp(FirstAppHolder);
    second = await startApp(SecondAppHolder);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await writer?.close();
  });

  it('two apps in one process keep their own options for the same path', async () => {
    const firstShared = first.get(FirstAppHolder).shared;
    const secondShared = second.get(SecondAppHolder).shared;
    await waitFor(
      () => firstShared.endpoints().length === 1 && secondShared.endpoints().length === 1,
    );
    expect(firstShared.endpoints()).toEqual(['first:_c_instance-0000000001']);
    expect(secondShared.endpoints()).toEqual(['second:_c_instance-0000000001']);
  });

  it('an app watches only the paths its own classes inject', () => {
    expect(first.get(ZkDiscoveryService).endpointerPaths.sort()).toEqual(
      [ONLY_IN_FIRST, SHARED].sort(),
    );
    expect(second.get(ZkDiscoveryService).endpointerPaths).toEqual([SHARED]);
  });

  it('token helpers have no side effect, and forRoot() adds nothing global', () => {
    const named = namedEndpointerPaths();
    expect(getEndpointerToken(`${ROOT}/just-a-token`)).toBe(
      `ZkDiscovery:Endpointer:${ROOT}/just-a-token`,
    );
    for (let i = 0; i < 3; i++) ZkDiscoveryModule.forRoot({ servers, logger: false });
    expect(namedEndpointerPaths()).toEqual(named);
    expect(named).not.toContain(`${ROOT}/just-a-token`);
  });
});
