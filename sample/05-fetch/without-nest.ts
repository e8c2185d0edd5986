import { ZkClient } from 'nestjs-zk-discovery/core';
import { ZkDispatcher } from 'nestjs-zk-discovery/fetch';
import { fetch } from 'undici';

/**
 * The same without Nest: `ZK_SERVERS=127.0.0.1:2181 node .build/sample/05-fetch/without-nest.js`
 * asks the hello service five times and exits.
 */
async function main(): Promise<void> {
  const client = await ZkClient.connect({ servers: process.env.ZK_SERVERS ?? '127.0.0.1:2181' });
  const dispatcher = new ZkDispatcher({ client, hosts: { 'hello.abc': '/services/hello/abc' } });
  try {
    await dispatcher.routing.ready();
    for (let i = 0; i < 5; i++) {
      const response = await fetch('http://hello.abc/hello', { dispatcher });
      console.log(response.status, await response.json());
    }
  } finally {
    await dispatcher.close();
    await client.close();
  }
}

void main();
