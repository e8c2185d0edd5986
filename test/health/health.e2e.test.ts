import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { ZkDiscoveryService } from '../../lib/index.js';
import { FaultProxy, ZooKeeperServer } from '../../lib/testing/index.js';
import { HelloModule } from '../../sample/01-hello-service/hello.module.js';
import { waitFor } from '../support/wait-for.js';

const SESSION_MS = 2000;

interface HealthBody {
  status: string;
  info: Record<string, { status: string; [key: string]: unknown }>;
  error: Record<string, { status: string; message?: string; [key: string]: unknown }>;
}

interface HealthAnswer {
  status: number;
  body: HealthBody;
}

describe('sample 01-hello-service GET /health (terminus, real ZooKeeper behind a fault proxy)', () => {
  let server: ZooKeeperServer;
  let proxy: FaultProxy;
  let observer: ZkClient;
  let app: INestApplication;
  let discovery: ZkDiscoveryService;
  let url: string;

  async function health(): Promise<HealthAnswer> {
    const response = await fetch(`${url}/health`);
    return { status: response.status, body: (await response.json()) as HealthBody };
  }

  beforeAll(async () => {
    server = await ZooKeeperServer.start();
    proxy = await FaultProxy.start({ host: server.host, port: server.port });
    observer = await ZkClient.connect({ servers: server.connectString });
    app = await NestFactory.create(
      HelloModule.register({
        servers: proxy.connectString,
        instanceName: 'health-1',
        sessionTimeoutMs: SESSION_MS,
        drainDelayMs: 0,
      }),
      { logger: false },
    );
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
    discovery = app.get(ZkDiscoveryService);
    await discovery.whenRegistered();
  });

  afterAll(async () => {
    await app?.close();
    await observer?.close();
    await proxy?.close();
    await server?.stop();
  });

  it('is 200 while the session is connected and the instance is registered', async () => {
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.info.zookeeper).toMatchObject({
      status: 'up',
      state: 'connected',
      registration: 'registered',
      node: discovery.registeredNode,
      sessionId: `0x${discovery.client.sessionId}`,
    });
  });

  it('is 503 with the reason once a partition outlasts the session timeout, 200 again after the heal', async () => {
    const before = discovery.registeredNode!;
    const reasons: string[] = [];
    const record = (answer: HealthAnswer) => {
      const message = answer.body.error.zookeeper?.message;
      if (answer.status === 503 && message && reasons.at(-1) !== message) reasons.push(message);
      return answer;
    };

    proxy.partition();
    // First the client notices the silence: down, "disconnected since <when>".
    await waitFor(async () => record(await health()).status === 503, {
      timeoutMs: SESSION_MS * 3,
      message: '/health to answer 503 after the partition',
    });
    // Then the session timeout passes without contact: the session has most likely expired
    // (the client learns it for sure when it gets through again).
    await waitFor(
      async () => {
        record(await health());
        return /longer than the session timeout.*most likely expired/.test(reasons.at(-1) ?? '');
      },
      {
        timeoutMs: SESSION_MS * 3,
        message: '/health to report the expired session',
      },
    );
    const disconnected = reasons.find((reason) =>
      reason.startsWith('disconnected from ZooKeeper since'),
    );
    expect(disconnected, reasons.join(' | ')).toBeDefined();
    const since = /since (\S+)/.exec(disconnected!)![1]!;
    expect(new Date(since).toISOString()).toBe(since);
    const down = await health();
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('error');
    expect(down.body.error.zookeeper).toMatchObject({ status: 'down' });
    expect(down.body.error.zookeeper!.message).toMatch(/most likely expired/);

    proxy.heal();
    // A new session, our instance registered again: up.
    await waitFor(async () => (await health()).status === 200, {
      timeoutMs: SESSION_MS * 5,
      message: '/health to answer 200 after the heal',
    });
    const up = await health();
    expect(up.body.info.zookeeper).toMatchObject({ status: 'up', registration: 'registered' });
    expect(up.body.info.zookeeper!.node).not.toBe(before);
    expect(await observer.getChildren('/services/hello/abc')).toEqual([
      up.body.info.zookeeper!.node!.toString().split('/').at(-1),
    ]);
  });
});
