import { createServer, type Server } from 'node:http';

/** A plain HTTP server on 127.0.0.1 standing in for a JVM instance: `/whoami` answers its name. */
export interface HttpInstance {
  readonly name: string;
  readonly port: number;
  /** Requests served so far. */
  readonly hits: () => number;
  close(): Promise<void>;
}

/** Starts `names.length` servers on free loopback ports. */
export async function startHttpInstances(names: readonly string[]): Promise<HttpInstance[]> {
  return Promise.all(names.map((name) => startHttpInstance(name)));
}

async function startHttpInstance(name: string): Promise<HttpInstance> {
  let hits = 0;
  const server: Server = createServer((request, response) => {
    hits++;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ name, path: request.url }));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  return {
    name,
    port,
    hits: () => hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
