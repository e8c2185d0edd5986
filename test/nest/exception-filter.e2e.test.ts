import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import { Controller, Get, type INestApplication, Module, Param } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type HttpEndpoint,
  InjectEndpointer,
  ZkClient,
  ZkDiscoveryExceptionFilter,
  ZkDiscoveryModule,
  type ZkEndpointer,
} from '../../lib/index.js';
import { Registrar } from '../../lib/sd/registrar/registrar.js';
import { RecordingLogger } from '../support/fixed-instance-source.js';
import { uniqueRoot } from '../support/unique-root.js';

const servers = inject('zkConnect');
const ROOT = uniqueRoot('filter');
const USERS = `${ROOT}/users`;
const EMPTY = `${ROOT}/empty`;
const quiet = { log: () => {}, warn: () => {}, error: () => {} };

/** A backend instance: 200 on /users/1, a JSON 404 on other users, a 500 on /boom. */
async function backend(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(body));
    };
    if (request.url === '/users/1') json(200, { id: 1 });
    else if (request.url === '/boom') json(500, { statusCode: 500, message: 'database down' });
    else json(404, { statusCode: 404, message: `no user at ${request.url}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

@Controller()
class ProxyController {
  constructor(
    @InjectEndpointer(USERS, { retry: { attempts: 2 } })
    private readonly users: ZkEndpointer<HttpEndpoint>,
    @InjectEndpointer(EMPTY) private readonly empty: ZkEndpointer<HttpEndpoint>,
  ) {}

  @Get('users/:id')
  user(@Param('id') id: string): Promise<unknown> {
    return this.users.call((endpoint, { signal }) => endpoint.json(`/users/${id}`, { signal }));
  }

  @Get('boom')
  boom(): Promise<unknown> {
    return this.users.call((endpoint, { signal }) => endpoint.json('/boom', { signal }));
  }

  @Get('empty')
  nobody(): Promise<unknown> {
    return this.empty.call((endpoint) => endpoint.json('/'));
  }
}

describe('ZkDiscoveryExceptionFilter over HTTP (a Nest gateway, real ZooKeeper, real backends)', () => {
  let writer: ZkClient;
  let registrar: Registrar;
  let instance: Awaited<ReturnType<typeof backend>>;
  let app: INestApplication;
  let url: string;
  const logger = new RecordingLogger();

  beforeAll(async () => {
    writer = await ZkClient.connect({ servers });
    await writer.ensurePath(EMPTY);
    instance = await backend();
    registrar = new Registrar(
      writer,
      { path: ROOT, name: 'users', data: instance.url },
      { logger: quiet },
    );
    await registrar.register();
    @Module({
      imports: [ZkDiscoveryModule.forRoot({ servers })],
      controllers: [ProxyController],
      providers: [{ provide: APP_FILTER, useClass: ZkDiscoveryExceptionFilter }],
    })
    class GatewayModule {}
    app = await NestFactory.create(GatewayModule, { logger });
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await registrar?.deregister();
    registrar?.close();
    await instance?.close();
    await writer?.close();
  });

  async function get(path: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${url}${path}`);
    return { status: response.status, body: await response.json() };
  }

  /** The filter's lines: one per failed call. */
  const filterLines = () =>
    logger.lines.filter((line) => / → \d{3}: /.test(line.message)).map((line) => line.message);

  it('a call that works is untouched', async () => {
    expect(await get('/users/1')).toEqual({ status: 200, body: { id: 1 } });
    expect(filterLines()).toEqual([]);
  });

  it('no instance registered: 503 naming the service and saying none is registered, one log line and nothing else', async () => {
    const before = logger.lines.length;
    expect(await get('/empty')).toEqual({
      status: 503,
      body: {
        statusCode: 503,
        error: 'Service Unavailable',
        message: `No instance of ${EMPTY} is registered`,
        service: EMPTY,
        reason: 'none-registered',
      },
    });
    expect(filterLines()).toEqual([
      expect.stringMatching(
        new RegExp(`^GET /empty → 503: Call to ${EMPTY} failed after .*: none registered`),
      ),
    ]);
    expect(logger.lines.slice(before)).toHaveLength(1);
  });

  it("a downstream 404 reaches the caller as that 404, with the backend's body", async () => {
    expect(await get('/users/2')).toEqual({
      status: 404,
      body: { statusCode: 404, message: 'no user at /users/2' },
    });
    expect(filterLines().at(-1)).toMatch(
      /^GET \/users\/2 → 404: Call to .* failed after 1 attempt/,
    );
  });

  it('a downstream 500 after the retries: 502, one compact line with each attempt, and no other line', async () => {
    const before = logger.lines.length;
    expect(await get('/boom')).toEqual({
      status: 502,
      body: {
        statusCode: 502,
        error: 'Bad Gateway',
        message: expect.stringContaining('500 Internal Server Error'),
        service: USERS,
      },
    });
    const lines = logger.lines.slice(before);
    expect(lines).toEqual([
      {
        level: 'warn',
        message: expect.stringMatching(
          new RegExp(
            `^GET /boom → 502: Call to ${USERS} failed after 2 attempts \\(attempts exhausted\\): ` +
              '127\\.0\\.0\\.1:\\d+ 500 Internal Server Error: .*database down.*; 127\\.0\\.0\\.1:\\d+ 500',
          ),
        ),
      },
    ]);
    expect(lines[0]!.message).not.toContain('\n');
  });
});
