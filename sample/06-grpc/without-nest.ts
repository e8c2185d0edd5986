import { fileURLToPath } from 'node:url';
import { credentials, loadPackageDefinition, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ZkClient } from 'nestjs-zk-discovery/core';
import { registerZkResolver } from 'nestjs-zk-discovery/grpc';
import { GREETER_PATH, HELLO_PROTO, type HelloReply } from './greeter.contract.js';

type GreeterClient = {
  SayHello(
    request: { name: string },
    callback: (error: ServiceError | null, reply: HelloReply) => void,
  ): void;
  close(): void;
};

/** A plain grpc-js client on `zk:///services/greeter/grpc`: asks the Greeter `times` times. */
export async function greetWithoutNest(servers: string, times: number): Promise<HelloReply[]> {
  const client = await ZkClient.connect({ servers });
  const unregister = registerZkResolver({ client });
  const { hello } = loadPackageDefinition(loadSync(HELLO_PROTO)) as unknown as {
    hello: { Greeter: new (target: string, creds: unknown) => GreeterClient };
  };
  const greeter = new hello.Greeter(`zk://${GREETER_PATH}`, credentials.createInsecure());
  try {
    const replies: HelloReply[] = [];
    for (let i = 0; i < times; i++) {
      replies.push(
        await new Promise((resolve, reject) =>
          greeter.SayHello({ name: `call ${i}` }, (error, reply) =>
            error ? reject(error) : resolve(reply),
          ),
        ),
      );
    }
    return replies;
  } finally {
    greeter.close();
    unregister();
    await client.close();
  }
}

// `ZK_SERVERS=127.0.0.1:2181 node .build/sample/06-grpc/without-nest.js` greets five times.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const servers = process.env.ZK_SERVERS ?? '127.0.0.1:2181';
  greetWithoutNest(servers, 5).then(
    (replies) => {
      for (const reply of replies) console.log(reply);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
