import { join } from 'node:path';
import {
  type ChannelOptions,
  type Client,
  credentials,
  loadPackageDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { ZkClient } from '../../lib/client/index.js';
import { curatorRegistration, Registrar } from '../../lib/sd/index.js';
import { type ChildScript, startChildScript } from './child-script.js';
import { uniqueRoot } from './unique-root.js';

/** The Greeter service of the gRPC tests (`hello.Greeter`). */
/** The Greeter of sample/06-grpc, which the tests serve too. */
export const HELLO_PROTO = join(
  import.meta.dirname,
  '..',
  '..',
  'sample',
  '06-grpc',
  'hello.proto',
);

export interface HelloReply {
  message: string;
  /** The name of the server that answered. */
  server: string;
}

/**
 * A failed call: the gRPC error, and whether the server's answer had begun (its headers came).
 * gRPC never retries such a call: it has run.
 */
export type GreeterError = ServiceError & { answerBegun: boolean };

/** A Greeter client whose calls resolve with the reply or reject with a `GreeterError`. */
export interface Greeter {
  readonly client: Client;
  sayHello(name: string, deadlineMs?: number): Promise<HelloReply>;
  close(): void;
}

type GreeterClient = Client & {
  SayHello(
    request: { name: string },
    options: { deadline: number },
    callback: (error: ServiceError | null, reply: HelloReply) => void,
  ): { on(event: 'metadata', listener: () => void): void };
};

const definition = loadSync(HELLO_PROTO);
const hello = loadPackageDefinition(definition).hello as unknown as {
  Greeter: new (
    target: string,
    creds: ReturnType<typeof credentials.createInsecure>,
    options?: ChannelOptions,
  ) => GreeterClient;
};

/** A grpc-js Greeter client on `target` (`zk:///...`, `127.0.0.1:port`). */
export function greeter(target: string, options: ChannelOptions = {}): Greeter {
  const client = new hello.Greeter(target, credentials.createInsecure(), options);
  return {
    client,
    sayHello: (name, deadlineMs = 5_000) =>
      new Promise((resolve, reject) => {
        let answerBegun = false;
        const call = client.SayHello(
          { name },
          { deadline: Date.now() + deadlineMs },
          (error, reply) =>
            error ? reject(Object.assign(error, { answerBegun })) : resolve(reply),
        );
        call.on('metadata', () => {
          answerBegun = true;
        });
      }),
    close: () => client.close(),
  };
}

/** One server to start: how it answers, and what its registration says. */
export interface GrpcServerSpec {
  /** `'unavailable'` fails every call with UNAVAILABLE. @default 'ok' */
  mode?: 'ok' | 'unavailable';
  delayMs?: number;
  /** Spring format with this weight. */
  weight?: number;
  /** Spring format with this zone. */
  zone?: string;
  /** Spring format whose main port is closed and whose named port `grpc` is the server's. */
  namedPort?: boolean;
}

export interface GrpcInstance {
  readonly name: string;
  readonly port: number;
  readonly child: ChildScript;
  readonly registrar: Registrar;
}

/**
 * gRPC Greeter servers, each a process of its own (so that a test can kill one), registered in a
 * real ZooKeeper through `client` under `path` (go-kit's `grpc://127.0.0.1:port` node, or a Spring
 * node when the spec has traits).
 */
export class GrpcFleet {
  readonly instances: GrpcInstance[] = [];
  private count = 0;

  private constructor(
    private readonly client: ZkClient,
    /** The instances' parent: the `zk:` target's path. */
    readonly path: string,
  ) {}

  static async start(client: ZkClient, specs: readonly GrpcServerSpec[]): Promise<GrpcFleet> {
    const fleet = new GrpcFleet(client, `${uniqueRoot('grpc')}/hello/grpc`);
    try {
      await Promise.all(specs.map((spec) => fleet.add(spec)));
    } catch (error) {
      await fleet.close();
      throw error;
    }
    return fleet;
  }

  /** Starts one more server and registers it; resolves once its node is written. */
  async add(spec: GrpcServerSpec = {}): Promise<GrpcInstance> {
    const name = `s${this.count++}`;
    const args = [name, spec.mode ?? 'ok', String(spec.delayMs ?? 0)];
    const child = startChildScript('grpc-hello-server.mjs', args);
    try {
      const port = Number((await child.line(/^PORT \d+$/)).slice('PORT '.length));
      const registrar = this.registrarOf(port, spec);
      const instance = { name, port, child, registrar };
      this.instances.push(instance);
      await registrar.register();
      return instance;
    } catch (error) {
      child.kill();
      throw error;
    }
  }

  byName(name: string): GrpcInstance {
    return this.instances.find((instance) => instance.name === name)!;
  }

  async close(): Promise<void> {
    for (const instance of this.instances.splice(0)) {
      instance.child.kill();
      await instance.registrar.deregister();
    }
  }

  private registrarOf(port: number, spec: GrpcServerSpec): Registrar {
    const base = this.path.slice(0, this.path.lastIndexOf('/'));
    const name = this.path.slice(this.path.lastIndexOf('/') + 1);
    if (spec.weight === undefined && spec.zone === undefined && !spec.namedPort) {
      return new Registrar(this.client, { path: base, name, data: `grpc://127.0.0.1:${port}` });
    }
    const { service, format } = curatorRegistration({
      format: 'spring',
      basePath: base,
      name,
      address: '127.0.0.1',
      // Port 1 is closed: a call that went to the main port would fail.
      port: spec.namedPort ? 1 : port,
      weight: spec.weight,
      zone: spec.zone,
      ports: spec.namedPort ? { grpc: port } : undefined,
    });
    return new Registrar(this.client, service, { format });
  }
}

/** How many of `replies` each server answered, by name. */
export function countByServer(replies: readonly HelloReply[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const reply of replies) counts[reply.server] = (counts[reply.server] ?? 0) + 1;
  return counts;
}
