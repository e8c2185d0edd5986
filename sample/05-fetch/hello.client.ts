import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectZkClient, type ZkClient } from 'nestjs-zk-discovery';
import { ZkDispatcher } from 'nestjs-zk-discovery/fetch';
// undici's own fetch: the one that goes with the dispatcher (see docs/fetch.md).
import { fetch } from 'undici';

export interface HelloAnswer {
  message: string;
  instance: string;
}

/**
 * Calls the hello service (sample/01-hello-service) with plain `fetch`: the dispatcher sends
 * `http://hello.abc/...` to a balanced instance of `/services/hello/abc`, tries another one when
 * a GET fails, and leaves other URLs alone.
 */
@Injectable()
export class HelloClient implements OnModuleInit, OnApplicationShutdown {
  private readonly dispatcher: ZkDispatcher;

  constructor(@InjectZkClient() client: ZkClient) {
    this.dispatcher = new ZkDispatcher({ client, hosts: { 'hello.abc': '/services/hello/abc' } });
  }

  /** The app starts once the instances are known (at most 5 s: later ones join as they come). */
  async onModuleInit(): Promise<void> {
    await this.dispatcher.routing.ready();
  }

  async hello(): Promise<HelloAnswer> {
    const response = await fetch('http://hello.abc/hello', { dispatcher: this.dispatcher });
    return (await response.json()) as HelloAnswer;
  }

  /** The instances `hello.abc` stands for now. */
  instances(): string[] {
    const endpointer = this.dispatcher.routing.endpointer('hello.abc')!;
    return endpointer.instances().map((instance) => instance.url ?? instance.id);
  }

  onApplicationShutdown(): Promise<void> {
    return this.dispatcher.close();
  }
}
