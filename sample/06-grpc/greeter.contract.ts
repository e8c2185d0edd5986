import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Greeter's proto file: beside this file in the sources; run compiled from .build/ (where tsc
 * copies no .proto), the source's.
 */
export const HELLO_PROTO =
  [
    join(import.meta.dirname, 'hello.proto'),
    join(import.meta.dirname, '..', '..', '..', 'sample', '06-grpc', 'hello.proto'),
  ].find((path) => existsSync(path)) ?? join(import.meta.dirname, 'hello.proto');

/** Where the Greeter's instances register: the target `zk:///services/greeter/grpc`. */
export const GREETER_PATH = '/services/greeter/grpc';

export interface HelloRequest {
  name: string;
}

export interface HelloReply {
  message: string;
  /** Which instance answered. */
  server: string;
}
