/**
 * A closed-loop load generator that is itself the gRPC client under test: a grpc-js Greeter client
 * making unary `SayHello` calls. `<mode> <servers> <concurrency> <warmupMs> <durationMs>
 * <target>...`, the targets being the instances' `grpc://host:port`:
 * - `fixed`: the channel target `ipv4:host:port,host:port,...` (grpc-js's own resolver, no
 *   discovery) with grpc-js's `round_robin`;
 * - `zk-round-robin`: `zk:///services/greeter/grpc` with grpc-js's `round_robin`;
 * - `zk`: `zk:///services/greeter/grpc` with what a channel gets by default: our `zk_discovery`
 *   policy (round robin, outlier ejection from each call's status) and retry of UNAVAILABLE.
 * Each of `concurrency` workers makes its next call when the last answered; latencies of the
 * calls that start after the warm-up and end before its end are reported.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  type ChannelOptions,
  credentials,
  loadPackageDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ZkClient } from 'nestjs-zk-discovery/core';
import { registerZkResolver } from 'nestjs-zk-discovery/grpc';
import {
  GREETER_PATH,
  HELLO_PROTO,
  type HelloReply,
} from '../../sample/06-grpc/greeter.contract.js';
import { closedLoop, reportLoad, runLoadGenerator } from './closed-loop.js';

type GreeterClient = {
  SayHello(
    request: { name: string },
    callback: (error: ServiceError | null, reply: HelloReply) => void,
  ): void;
  close(): void;
};

const { hello } = loadPackageDefinition(loadSync(HELLO_PROTO)) as unknown as {
  hello: {
    Greeter: new (target: string, creds: unknown, options?: ChannelOptions) => GreeterClient;
  };
};

const ROUND_ROBIN = { 'grpc.service_config': '{"loadBalancingConfig":[{"round_robin":{}}]}' };

async function main(): Promise<void> {
  const [mode, servers, concurrencyText, warmupText, durationText, ...targets] =
    process.argv.slice(2);
  const concurrency = Number(concurrencyText);
  const warmupMs = Number(warmupText);
  const durationMs = Number(durationText);
  if (
    (mode !== 'fixed' && mode !== 'zk-round-robin' && mode !== 'zk') ||
    !servers ||
    !(concurrency > 0) ||
    !(warmupMs >= 0) ||
    !(durationMs > 0) ||
    targets.length === 0
  ) {
    throw new Error(
      'usage: grpc-load-process.js fixed|zk-round-robin|zk <servers> <concurrency> <warmupMs> ' +
        '<durationMs> <target>...',
    );
  }
  const zk = mode === 'fixed' ? undefined : await ZkClient.connect({ servers });
  const unregister = zk ? registerZkResolver({ client: zk }) : () => {};
  const addresses = targets.map((target) => new URL(target).host);
  const greeter =
    mode === 'fixed'
      ? new hello.Greeter(`ipv4:${addresses.join(',')}`, credentials.createInsecure(), ROUND_ROBIN)
      : new hello.Greeter(
          `zk://${GREETER_PATH}`,
          credentials.createInsecure(),
          mode === 'zk-round-robin' ? ROUND_ROBIN : {},
        );
  const call = () =>
    new Promise<void>((resolve, reject) =>
      greeter.SayHello({ name: 'bench' }, (error, reply) =>
        error ? reject(error) : reply.message === 'hello bench' ? resolve() : reject(reply),
      ),
    );
  // Setup, not measured: calls until every instance has answered (each connection is open).
  const answered = new Set<string>();
  while (answered.size < targets.length) {
    await new Promise<void>((resolve) =>
      greeter.SayHello({ name: 'setup' }, (error, reply) => {
        if (!error) answered.add(reply.server);
        resolve();
      }),
    );
    if (answered.size < targets.length) await delay(1);
  }
  const { latencies, errors } = await closedLoop(call, { concurrency, warmupMs, durationMs });
  greeter.close();
  unregister();
  await zk?.close();
  await reportLoad(latencies, errors, durationMs);
}

runLoadGenerator(main);
