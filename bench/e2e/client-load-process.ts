/**
 * A closed-loop load generator that is itself the client under test:
 * `<kind> <mode> <servers> <concurrency> <warmupMs> <durationMs> <target>...`.
 * - `microservices discovery`: `send({ cmd: 'sum' })` through a `ZkClientProxy` on
 *   /services/math/tcp; `microservices fixed`: the same through Nest's `ClientTCP`, one per target
 *   address (`tcp://host:port`), taken in turn.
 * - `fetch discovery`: undici's `fetch` of `http://hello.e2e/hello` through a `ZkDispatcher`
 *   routing `hello.e2e` to /services/hello/abc; `fetch fixed`: the same `fetch` on an `Agent`,
 *   of each target URL in turn.
 * Each of `concurrency` workers makes its next call when the last answered; latencies of the
 * calls that start after the warm-up and end before its end are reported.
 */
import 'reflect-metadata';
import { setTimeout as delay } from 'node:timers/promises';
import { ClientTCP } from '@nestjs/microservices';
import { ZkClient, type ZkEndpointer } from 'nestjs-zk-discovery/core';
import { ZkDispatcher } from 'nestjs-zk-discovery/fetch';
import { ZkClientProxy } from 'nestjs-zk-discovery/microservices';
import { lastValueFrom } from 'rxjs';
import { Agent, fetch } from 'undici';
import { closedLoop, reportLoad, runLoadGenerator } from './closed-loop.js';

type Call = () => Promise<void>;

/** The call under test, and how to let go of it. */
interface Client {
  call: Call;
  close(): Promise<void>;
}

const MATH_PATH = '/services/math/tcp';
const HELLO_PATH = '/services/hello/abc';

async function microservicesClient(
  mode: string,
  servers: string,
  targets: string[],
): Promise<Client> {
  const sum = (client: { send: ZkClientProxy['send'] }) => async () => {
    if ((await lastValueFrom(client.send<number>({ cmd: 'sum' }, [1, 2, 3]))) !== 6) {
      throw new Error('wrong sum');
    }
  };
  if (mode === 'fixed') {
    const clients = targets.map((target) => {
      const { hostname, port } = new URL(target);
      return new ClientTCP({ host: hostname, port: Number(port) });
    });
    await Promise.all(clients.map((client) => client.connect()));
    const calls = clients.map(sum);
    let next = 0;
    return {
      call: () => calls[next++ % calls.length]!(),
      close: async () => {
        for (const client of clients) client.close();
      },
    };
  }
  const zk = await ZkClient.connect({ servers });
  const proxy = new ZkClientProxy({ client: zk, path: MATH_PATH, logger: false });
  await proxy.connect();
  const endpointer = proxy.unwrap<ZkEndpointer<unknown>>();
  // Setup, not measured: every instance known, and each one's connection open.
  while (endpointer.endpoints().length < targets.length) await delay(10);
  const call = sum(proxy);
  for (let i = 0; i < targets.length; i++) await call();
  return {
    call,
    close: async () => {
      await proxy.close();
      await zk.close();
    },
  };
}

async function fetchClient(mode: string, servers: string, targets: string[]): Promise<Client> {
  const get = (url: string, dispatcher: Agent | ZkDispatcher) => async () => {
    const response = await fetch(url, { dispatcher, headers: { accept: 'application/json' } });
    await response.json();
    if (response.status !== 200) throw new Error(`status ${response.status}`);
  };
  if (mode === 'fixed') {
    const agent = new Agent();
    const calls = targets.map((target) => get(`${target}/hello`, agent));
    let next = 0;
    return { call: () => calls[next++ % calls.length]!(), close: () => agent.close() };
  }
  const zk = await ZkClient.connect({ servers });
  const dispatcher = new ZkDispatcher({ client: zk, hosts: { 'hello.e2e': HELLO_PATH } });
  const endpointer = dispatcher.routing.endpointer('hello.e2e')!;
  while (endpointer.endpoints().length < targets.length) await delay(10);
  return {
    call: get('http://hello.e2e/hello', dispatcher),
    close: async () => {
      await dispatcher.close();
      await zk.close();
    },
  };
}

async function main(): Promise<void> {
  const [kind, mode, servers, concurrencyText, warmupText, durationText, ...targets] =
    process.argv.slice(2);
  const concurrency = Number(concurrencyText);
  const warmupMs = Number(warmupText);
  const durationMs = Number(durationText);
  if (
    (kind !== 'microservices' && kind !== 'fetch') ||
    (mode !== 'discovery' && mode !== 'fixed') ||
    !servers ||
    !(concurrency > 0) ||
    !(warmupMs >= 0) ||
    !(durationMs > 0) ||
    targets.length === 0
  ) {
    throw new Error(
      'usage: client-load-process.js microservices|fetch discovery|fixed <servers> <concurrency> ' +
        '<warmupMs> <durationMs> <target>...',
    );
  }
  const client =
    kind === 'microservices'
      ? await microservicesClient(mode, servers, targets)
      : await fetchClient(mode, servers, targets);
  const { latencies, errors } = await closedLoop(client.call, {
    concurrency,
    warmupMs,
    durationMs,
  });
  await client.close();
  await reportLoad(latencies, errors, durationMs);
}

runLoadGenerator(main);
