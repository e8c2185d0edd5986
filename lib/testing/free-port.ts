import { createServer, type Server } from 'node:net';

/** The loopback address every part of the testing kit binds to and connects to. */
export const LOOPBACK_HOST = '127.0.0.1';

/**
 * A TCP port that is free on 127.0.0.1 right now: listen on port 0, read the port the kernel
 * chose, close. Another process can still take it before you bind it; the kit binds promptly.
 */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/**
 * `count` distinct free loopback ports. All listeners are held open until every port is known,
 * so the kernel cannot hand out the same port twice (an ensemble needs 3 ports per member).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      ports.push(await listenOnLoopback(server));
    }
    return ports;
  } finally {
    await Promise.all(servers.map(closeServer));
  }
}

function listenOnLoopback(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: LOOPBACK_HOST, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error(`freePort: unexpected listen address ${String(address)}`));
        return;
      }
      resolve(address.port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}
