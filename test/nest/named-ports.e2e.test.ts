import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type HttpEndpoint,
  InjectEndpointer,
  ZkDiscoveryModule,
  type ZkEndpointer,
} from '../../lib/index.js';
import { type ServiceApp, startServiceApp } from '../support/nest-apps.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const servers = inject('zkConnect');
const basePath = `${uniqueRoot('ports')}/services`;
const service = `${basePath}/hello`;

/** A second HTTP server of the app: its admin port, answering `{ name: "admin" }`. */
async function startAdminServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ name: 'admin' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

class Callers {
  constructor(
    @InjectEndpointer(service) readonly main: ZkEndpointer<HttpEndpoint>,
    @InjectEndpointer(`${basePath}/other`, { port: 'admin' })
    readonly adminOnly: ZkEndpointer<HttpEndpoint>,
  ) {}
}

describe('named ports: registered by a Nest app, called by name', () => {
  let admin: { server: Server; port: number };
  let withPorts: ServiceApp;
  let withoutPorts: ServiceApp;
  let other: ServiceApp;
  let consumer: INestApplication;
  let callers: Callers;

  beforeAll(async () => {
    admin = await startAdminServer();
    const registration = { format: 'spring' as const, zone: 'eu-1' };
    withPorts = await startServiceApp({
      servers,
      path: basePath,
      name: 'hello',
      instanceName: 'with-ports',
      registration: { ...registration, ports: { admin: admin.port } },
    });
    withoutPorts = await startServiceApp({
      servers,
      path: basePath,
      name: 'hello',
      instanceName: 'without-ports',
      registration,
    });
    other = await startServiceApp({
      servers,
      path: basePath,
      name: 'other',
      instanceName: 'other',
      registration: { ...registration, ports: { admin: admin.port } },
    });
    @Module({
      imports: [ZkDiscoveryModule.forRoot({ servers, logger: false })],
      providers: [Callers],
    })
    class ConsumerModule {}
    consumer = await NestFactory.create(ConsumerModule, { logger: false, abortOnError: false });
    await consumer.init();
    callers = consumer.get(Callers);
  });

  afterAll(async () => {
    await consumer?.close();
    for (const app of [withPorts, withoutPorts, other]) await app?.app.close();
    admin?.server.close();
  });

  const whoami = (endpointer: ZkEndpointer<HttpEndpoint>) =>
    endpointer.call((endpoint) => endpoint.json<{ name: string }>('/whoami'));

  it('@InjectEndpointer(path, { port }) calls every instance on its port of that name', async () => {
    await waitFor(() => callers.adminOnly.endpoints().length === 1);
    expect(callers.adminOnly.endpoints()[0]!.url).toBe(`http://127.0.0.1:${admin.port}`);
    expect((await whoami(callers.adminOnly)).name).toBe('admin');
  });

  it('onPort(name) gives the same path on a named port; instances without it are left out', async () => {
    await waitFor(() => callers.main.endpoints().length === 2);
    const names = new Set<string>();
    for (let i = 0; i < 4; i++) names.add((await whoami(callers.main)).name);
    expect([...names].sort()).toEqual(['with-ports', 'without-ports']);
    const onAdmin = callers.main.onPort('admin');
    expect(callers.main.onPort('admin')).toBe(onAdmin);
    await waitFor(() => onAdmin.endpoints().length === 1);
    expect(onAdmin.instances()[0]!.id).toBe(withPorts.discovery.registeredNode!.split('/').pop());
    expect((await whoami(onAdmin)).name).toBe('admin');
    expect(onAdmin.instances()[0]!.zone).toBe('eu-1');
  });
});
