import { Injectable } from '@nestjs/common';
import { type HttpEndpoint, InjectEndpointer, type ZkEndpointer } from 'nestjs-zk-discovery';

export const HELLO_PATH = '/services/hello/abc';

export interface HelloAnswer {
  message: string;
  instance: string;
}

/** Calls the hello service through the endpointer: round robin over its instances, with retry. */
@Injectable()
export class GatewayService {
  constructor(@InjectEndpointer(HELLO_PATH) private readonly hello: ZkEndpointer<HttpEndpoint>) {}

  /** Asks one hello instance; another one is tried if it fails. */
  callHello(): Promise<HelloAnswer> {
    return this.hello.call((endpoint, { signal }) =>
      endpoint.json<HelloAnswer>('/hello', { signal }),
    );
  }

  /** The instances the gateway currently sees. */
  instances(): string[] {
    return this.hello.instances().map((instance) => instance.url ?? instance.id);
  }
}
