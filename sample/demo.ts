/**
 * `npm run demo`: a ZooKeeper started by the project itself, three "hello" instances registering
 * themselves, and a gateway discovering them through @InjectEndpointer and load-balancing calls.
 * Then one instance stops, the gateway sees it go, and everything shuts down cleanly.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ZkDiscoveryService } from 'nestjs-zk-discovery';
import { startTestZooKeeper } from 'nestjs-zk-discovery/testing';
import { HelloModule } from './01-hello-service/hello.module.js';
import { GatewayModule } from './02-gateway/gateway.module.js';
import { GatewayService, HELLO_PATH } from './02-gateway/gateway.service.js';

const say = (line: string) => console.log(line);

async function startHello(servers: string, instanceName: string): Promise<INestApplication> {
  const app = await NestFactory.create(HelloModule.register({ servers, instanceName }), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  await app.get(ZkDiscoveryService).whenRegistered();
  say(
    `  ${instanceName} listening on ${await app.getUrl()} and registered as ${app.get(ZkDiscoveryService).registeredNode}`,
  );
  return app;
}

/** Polls the gateway's view until `predicate` holds, with a deadline. */
async function waitForInstances(
  gateway: GatewayService,
  predicate: (count: number) => boolean,
): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  while (!predicate(gateway.instances().length)) {
    if (Date.now() > deadline)
      throw new Error(`gateway still sees ${gateway.instances().length} instances`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return gateway.instances();
}

async function callGateway(url: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const response = await fetch(`${url}/hello`);
    const answer = (await response.json()) as { instance: string };
    say(`  GET /hello -> ${response.status}, answered by ${answer.instance}`);
  }
}

async function main(): Promise<void> {
  say('1. Starting ZooKeeper (a real server, on a free loopback port)...');
  const zookeeper = await startTestZooKeeper();
  const servers = zookeeper.connectString;
  say(`  ZooKeeper ready at ${servers}`);
  const apps: INestApplication[] = [];
  try {
    say('2. Starting three hello instances; each registers itself under /services/hello/abc');
    for (const name of ['hello-1', 'hello-2', 'hello-3'])
      apps.push(await startHello(servers, name));

    say("3. Starting the gateway; it injects @InjectEndpointer('/services/hello/abc')");
    const gatewayApp = await NestFactory.create(GatewayModule.register(servers), { logger: false });
    await gatewayApp.listen(0, '127.0.0.1');
    const gatewayUrl = await gatewayApp.getUrl();
    const gateway = gatewayApp.get(GatewayService);
    say(`  gateway on ${gatewayUrl} sees ${HELLO_PATH}:`);
    for (const instance of await waitForInstances(gateway, (n) => n === 3))
      say(`    - ${instance}`);

    say('4. Six calls through the gateway (round robin, with retry):');
    await callGateway(gatewayUrl, 6);

    say('5. Stopping hello-2 (app.close(): deregister, drain, close)');
    const stopped = apps.splice(1, 1)[0]!;
    await stopped.close();
    const remaining = await waitForInstances(gateway, (n) => n === 2);
    say(`  gateway now sees ${remaining.length} instances:`);
    for (const instance of remaining) say(`    - ${instance}`);
    await callGateway(gatewayUrl, 4);

    say('6. Shutting everything down');
    await gatewayApp.close();
  } finally {
    for (const app of apps) await app.close();
    await zookeeper.stop();
  }
  say('Done: every app closed its session and ZooKeeper stopped.');
}

main().catch((error: unknown) => {
  console.error('Demo failed:', error);
  process.exitCode = 1;
});
