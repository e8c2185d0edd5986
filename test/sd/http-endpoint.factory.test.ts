import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Endpointer } from '../../lib/sd/endpointer/endpointer.js';
import { InvalidInstanceError } from '../../lib/sd/errors/invalid-instance.error.js';
import { RetryError } from '../../lib/sd/errors/retry.error.js';
import { HttpEndpointError } from '../../lib/sd/http/http-endpoint.error.js';
import { type HttpEndpoint, httpEndpointFactory } from '../../lib/sd/http/http-endpoint.factory.js';
import { retry } from '../../lib/sd/lb/retry.js';
import { roundRobin } from '../../lib/sd/lb/round-robin.balancer.js';
import { startChildScript } from '../support/child-script.js';
import {
  FixedInstanceSource,
  RecordingLogger,
  testInstance,
} from '../support/fixed-instance-source.js';
import { waitFor } from '../support/wait-for.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A real HTTP server on 127.0.0.1 and an ephemeral port. */
async function startServer(
  name: string,
  handler?: Handler,
): Promise<{ server: Server; url: string }> {
  const server = createServer(
    handler ??
      ((request, response) => {
        const route = request.url ?? '/';
        if (route === '/hang') return; // never answers
        if (route === '/boom') {
          response.writeHead(503, { 'content-type': 'text/plain' });
          response.end(`${name} is overloaded`);
          return;
        }
        if (route.startsWith('/missing')) {
          response.writeHead(404, { 'content-type': 'text/plain' });
          response.end('no such thing');
          return;
        }
        if (route === '/not-json') {
          response.end('plain words');
          return;
        }
        if (route === '/moved') {
          response.writeHead(302, { location: '/moved-here' });
          response.end();
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            server: name,
            path: route,
            method: request.method,
            headers: request.headers,
          }),
        );
      }),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

async function stopServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

interface Echo {
  server: string;
  path: string;
  method: string;
  headers: Record<string, string>;
}

let alpha: { server: Server; url: string };
let beta: { server: Server; url: string };

beforeAll(async () => {
  alpha = await startServer('alpha');
  beta = await startServer('beta', (request, response) => {
    response.writeHead(request.url === '/work' ? 503 : 200);
    response.end(request.url === '/work' ? 'beta is broken' : 'beta ok');
  });
});

afterAll(async () => {
  await stopServer(alpha.server);
  await stopServer(beta.server);
});

function endpointFor(
  url: string,
  options?: Parameters<typeof httpEndpointFactory>[0],
): HttpEndpoint {
  return httpEndpointFactory(options)(testInstance('_c_1-0000000001', url)).endpoint;
}

describe('httpEndpointFactory', () => {
  it('calls the instance over real HTTP, resolving paths against its URL, with default and per-request headers', async () => {
    const endpoint = endpointFor(alpha.url, { headers: { 'x-team': 'core', 'x-mode': 'default' } });
    expect(endpoint.url).toBe(alpha.url);
    expect(endpoint.instance.id).toBe('_c_1-0000000001');

    const response = await endpoint.fetch('/hello?x=1', {
      method: 'POST',
      body: 'hi',
      headers: { 'x-mode': 'override' },
    });
    expect(response.status).toBe(200);
    const echo = (await response.json()) as Echo;
    expect(echo).toMatchObject({ server: 'alpha', path: '/hello?x=1', method: 'POST' });
    expect(echo.headers['x-team']).toBe('core');
    expect(echo.headers['x-mode']).toBe('override');
  });

  it('keeps a base path: "x" extends it, "/x" replaces it', async () => {
    const endpoint = endpointFor(`${alpha.url}/api`);
    expect((await endpoint.json<Echo>('users')).path).toBe('/api/users');
    expect((await endpoint.json<Echo>('/health')).path).toBe('/health');
  });

  it('json() parses the body and asks for JSON; text() returns the body', async () => {
    const endpoint = endpointFor(alpha.url);
    const echo = await endpoint.json<Echo>('/things');
    expect(echo.server).toBe('alpha');
    expect(echo.headers.accept).toBe('application/json');
    expect(await endpointFor(beta.url).text('/anything')).toBe('beta ok');
  });

  it('rejects a 5xx with a retryable HttpEndpointError carrying the status, the URL and the body start', async () => {
    const error = (await endpointFor(alpha.url)
      .fetch('/boom')
      .catch((caught: unknown) => caught)) as HttpEndpointError;

    expect(error).toBeInstanceOf(HttpEndpointError);
    expect(error.status).toBe(503);
    expect(error.url).toBe(`${alpha.url}/boom`);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      `GET ${alpha.url}/boom failed: 503 Service Unavailable: alpha is overloaded`,
    );
  });

  it('returns a 4xx from fetch() as a response; json() rejects it as not retryable', async () => {
    const endpoint = endpointFor(alpha.url);
    const response = await endpoint.fetch('/missing');
    expect(response.status).toBe(404);
    await response.body?.cancel();

    const error = (await endpoint
      .json('/missing')
      .catch((caught: unknown) => caught)) as HttpEndpointError;
    expect(error).toBeInstanceOf(HttpEndpointError);
    expect(error.status).toBe(404);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/404 Not Found: no such thing/);
  });

  it('rejects a body that is not JSON with an HttpEndpointError', async () => {
    await expect(endpointFor(alpha.url).json('/not-json')).rejects.toThrow(
      /\/not-json failed: the response body is not valid JSON/,
    );
  });

  it('times out a request that gets no answer with a retryable HttpEndpointError', async () => {
    const endpoint = endpointFor(alpha.url, { timeoutMs: 150 });
    const started = performance.now();
    const error = (await endpoint
      .fetch('/hang')
      .catch((caught: unknown) => caught)) as HttpEndpointError;
    const elapsed = performance.now() - started;

    expect(error).toBeInstanceOf(HttpEndpointError);
    expect(error.status).toBeUndefined();
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`GET ${alpha.url}/hang failed: no complete response within 150 ms`);
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(2000);
  });

  it("passes the caller's own abort through unchanged (not an instance failure)", async () => {
    const controller = new AbortController();
    const pending = endpointFor(alpha.url).fetch('/hang', { signal: controller.signal });
    setImmediate(() => controller.abort());
    const error = (await pending.catch((caught: unknown) => caught)) as Error;
    expect(error).not.toBeInstanceOf(HttpEndpointError);
    expect(error.name).toBe('AbortError');
  });

  it('reports an instance that refuses connections with the reason fetch hides in its cause', async () => {
    const closed = await startServer('closed');
    await stopServer(closed.server);
    const error = (await endpointFor(closed.url)
      .fetch('/x')
      .catch((caught: unknown) => caught)) as HttpEndpointError;
    expect(error).toBeInstanceOf(HttpEndpointError);
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('refuses a path that would leave the instance for another origin', async () => {
    const endpoint = endpointFor(alpha.url);
    const otherPort = new URL(beta.url).port;
    await expect(endpoint.fetch(`http://127.0.0.1:${otherPort}/x`)).rejects.toThrow(
      /not this instance/,
    );
    await expect(endpoint.fetch(`//127.0.0.1:${otherPort}/x`)).rejects.toThrow(TypeError);
  });

  it('rejects an instance without a usable http(s) URL, naming its id and data', () => {
    const factory = httpEndpointFactory();
    const withoutUrl = testInstance('_c_2-0000000002', 'just some text');
    expect(() => factory(withoutUrl)).toThrow(InvalidInstanceError);
    expect(() => factory(withoutUrl)).toThrow(
      /Instance _c_2-0000000002 \(\/services\/test\/abc\/_c_2-0000000002\) cannot be called over HTTP: it has no URL; its data is "just some text"/,
    );
    expect(() => factory(testInstance('ftp', 'ftp://127.0.0.1:21'))).toThrow(
      /only http: and https:/,
    );
    expect(() => factory(testInstance('creds', 'http://u:p@127.0.0.1:1'))).toThrow(/credentials/);
  });

  it('rejects a timeout that is not a positive timer delay', () => {
    expect(() => httpEndpointFactory({ timeoutMs: 0 })).toThrow(RangeError);
  });
});

describe('httpEndpointFactory: json and text on a keep-alive pool per instance', () => {
  it('reuses its connections for calls in a row, sends bodies and methods, follows a redirect', async () => {
    const connections: string[] = [];
    const counted = await startServer('counted');
    counted.server.on('connection', (socket) => connections.push(String(socket.remotePort)));
    const endpoint = endpointFor(counted.url);
    try {
      for (let i = 0; i < 20; i++)
        expect((await endpoint.json<Echo>(`/n${i}`)).path).toBe(`/n${i}`);
      // Kept alive: 20 calls on one or two connections (the pool may open a second one while the
      // first is being handed back).
      expect(connections.length).toBeGreaterThanOrEqual(1);
      expect(connections.length).toBeLessThanOrEqual(2);
      const posted = await endpoint.json<Echo>('/things', {
        method: 'post',
        body: '{"a":1}',
        headers: { 'content-type': 'application/json' },
      });
      expect(posted).toMatchObject({ method: 'POST', path: '/things' });
      expect(posted.headers['content-type']).toBe('application/json');
      // A redirect is followed, as fetch follows it.
      expect((await endpoint.json<Echo>('/moved')).path).toBe('/moved-here');
      await expect(
        endpoint.text('/hang', { signal: AbortSignal.timeout(50) }),
      ).rejects.toMatchObject({
        name: 'TimeoutError',
      });
    } finally {
      await stopServer(counted.server);
    }
  });

  it('json() times out with the same retryable HttpEndpointError as fetch()', async () => {
    const endpoint = endpointFor(alpha.url, { timeoutMs: 150 });
    const error = (await endpoint
      .json('/hang')
      .catch((caught: unknown) => caught)) as HttpEndpointError;
    expect(error).toBeInstanceOf(HttpEndpointError);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`GET ${alpha.url}/hang failed: no complete response within 150 ms`);
  });

  it('keeps its timeout against a frozen process whose accept queue is full (undici would wait 10 s to connect)', async () => {
    const child = startChildScript('hello-server.mjs', ['frozen']);
    try {
      const port = (await child.line(/^PORT \d+$/)).slice('PORT '.length);
      child.process.kill('SIGSTOP');
      const endpoint = endpointFor(`http://127.0.0.1:${port}`, { timeoutMs: 1000 });
      // More connections than the listen backlog (511): the kernel stops completing handshakes.
      const messages: string[] = [];
      for (let i = 0; i < 700; i++) {
        endpoint.json('/x').catch((error: Error) => messages.push(error.message));
      }
      await waitFor(() => messages.length === 700, {
        timeoutMs: 5_000,
        message: 'every request to fail at its 1000 ms deadline',
      });
      expect(new Set(messages)).toEqual(
        new Set([`GET http://127.0.0.1:${port}/x failed: no complete response within 1000 ms`]),
      );
    } finally {
      child.process.kill('SIGCONT');
      child.kill();
    }
  });

  it("closes the instance's connections when the instance leaves the endpointer", async () => {
    const leaving = await startServer('leaving');
    const closed: string[] = [];
    leaving.server.on('connection', (socket) =>
      socket.on('close', () => closed.push(String(socket.remotePort))),
    );
    const source = new FixedInstanceSource('/services/hello/abc');
    source.publishInstances(testInstance('_c_l-0000000001', leaving.url));
    const endpointer = new Endpointer(source, httpEndpointFactory());
    try {
      expect((await endpointer.endpoints()[0]!.json<Echo>('/x')).server).toBe('leaving');
      expect(closed).toEqual([]);
      source.publishInstances();
      await waitFor(() => closed.length === 1, { message: 'the kept-alive connection to close' });
    } finally {
      await endpointer.close();
      await stopServer(leaving.server);
    }
  });
});

describe('httpEndpointFactory behind an Endpointer, roundRobin and retry', () => {
  it('skips the bad instance (logged once) and moves past the 5xx instance to the healthy one', async () => {
    const source = new FixedInstanceSource('/services/hello/abc');
    const logger = new RecordingLogger();
    source.publishInstances(
      testInstance('_c_a-0000000001', beta.url),
      testInstance('_c_b-0000000002', 'garbage'),
      testInstance('_c_c-0000000003', alpha.url),
    );
    const endpointer = new Endpointer(source, httpEndpointFactory({ timeoutMs: 1000 }), { logger });
    const call = retry(roundRobin(endpointer), { backoff: { initialMs: 1, jitter: false } });

    expect(endpointer.endpoints().map((endpoint) => endpoint.url)).toEqual([beta.url, alpha.url]);
    expect(logger.matching('_c_b-0000000002')).toHaveLength(1);

    const echo = await call((endpoint, { signal }) => endpoint.json<Echo>('/work', { signal }));
    expect(echo.server).toBe('alpha');

    source.publishInstances(testInstance('_c_a-0000000001', beta.url));
    const error = (await call((endpoint, { signal }) => endpoint.text('/work', { signal })).catch(
      (caught: unknown) => caught,
    )) as RetryError;
    expect(error).toBeInstanceOf(RetryError);
    expect(error.errors).toHaveLength(3);
    expect(error.errors.every((e) => e instanceof HttpEndpointError && e.status === 503)).toBe(
      true,
    );
    expect(error.message).toMatch(
      /Call to \/services\/hello\/abc failed after 3 attempts .*beta is broken/,
    );
    await endpointer.close();
  });
});
