import { Agent, fetch, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import {
  ZkDispatcher,
  type ZkDispatcherOptions,
  type ZkHostOptions,
  ZkRouting,
} from '../../lib/fetch/index.js';
import { RetryError } from '../../lib/sd/index.js';
import { RecordingLogger } from '../support/fixed-instance-source.js';
import { type InstanceSpec, useRegisteredHttpFleets } from '../support/registered-http-fleet.js';
import { waitFor } from '../support/wait-for.js';

/** What an instance of the fleet answers (test/support/children/hello-server.mjs). */
interface Answer {
  name: string;
  path: string;
}

describe('ZkDispatcher: fetch through discovery, against real registered HTTP instances', () => {
  const startFleet = useRegisteredHttpFleets();
  const closers: (() => Promise<unknown>)[] = [];
  let client: ZkClient;
  beforeAll(async () => {
    client = await ZkClient.connect({ servers: inject('zkConnect') });
  });
  afterAll(async () => {
    await client?.close();
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  /** A fleet, and a dispatcher routing `hello.abc` to it. */
  async function route(specs: readonly InstanceSpec[], host: Partial<ZkHostOptions> = {}) {
    const fleet = await startFleet(specs);
    const logger = new RecordingLogger();
    const options: ZkDispatcherOptions = {
      client,
      hosts: { 'hello.abc': { path: fleet.endpointer.path, ...host } },
      headersTimeoutMs: 800,
      logger,
    };
    const dispatcher = new ZkDispatcher(options);
    closers.push(() => dispatcher.close());
    await waitFor(
      () => dispatcher.routing.endpointer('hello.abc')!.endpoints().length === specs.length,
    );
    return { fleet, dispatcher, logger };
  }

  const get = async (dispatcher: ZkDispatcher, path = '/whoami', init: RequestInit = {}) => {
    const response = await fetch(`http://hello.abc${path}`, { ...init, dispatcher } as never);
    return { status: response.status, body: (await response.json()) as Answer };
  };

  it('sends each request to a balanced instance of the path, the path and query kept', async () => {
    const { dispatcher } = await route([{}, {}, {}]);
    const names: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { status, body } = await get(dispatcher, `/hello?i=${i}`);
      expect(status).toBe(200);
      expect(body.path).toBe(`/hello?i=${i}`);
      names.push(body.name);
    }
    // Round robin: each instance twice.
    expect(names.toSorted()).toEqual(['i0', 'i0', 'i1', 'i1', 'i2', 'i2']);
  });

  it('serves a request made as soon as the dispatcher is, once the path has been read', async () => {
    const fleet = await startFleet([{}]);
    // One attempt: no retry to hide a request made before the instances were known.
    const dispatcher = new ZkDispatcher({
      client,
      hosts: { 'hello.abc': fleet.endpointer.path },
      retry: { attempts: 1 },
    });
    closers.push(() => dispatcher.close());
    const response = await fetch('http://hello.abc/first', { dispatcher } as never);
    expect(((await response.json()) as Answer).path).toBe('/first');
  });

  it('keeps one keep-alive pool per instance', async () => {
    const fleet = await startFleet([{}, {}]);
    const routing = new ZkRouting({
      client,
      hosts: { 'hello.abc': fleet.endpointer.path },
    });
    const agent = new Agent();
    const dispatcher = agent.compose(routing.interceptor);
    closers.push(
      () => routing.close(),
      () => agent.close(),
    );
    await routing.ready();
    for (let i = 0; i < 20; i++) {
      const response = await fetch('http://hello.abc/whoami', { dispatcher } as never);
      await response.arrayBuffer();
    }
    const origins = Object.entries(agent.stats);
    expect(origins.map(([origin]) => origin).toSorted()).toEqual(
      fleet.instances.map((instance) => instance.url).toSorted(),
    );
    for (const [, stats] of origins) expect(stats.connected).toBe(1);
  });

  it('sends an idempotent request to another instance when one is dead, and ejects it', async () => {
    const { fleet, dispatcher } = await route([{}, {}, {}]);
    const dead = fleet.instances[0]!;
    // Killed, yet still registered (the test's session holds its node): only calls tell.
    dead.child.process.kill('SIGKILL');
    await dead.child.exited(5_000);
    const names: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { status, body } = await get(dispatcher);
      expect(status).toBe(200);
      names.push(body.name);
    }
    expect(names).not.toContain(dead.name);
    const ejected = dispatcher.routing.endpointer('hello.abc')!.ejected();
    expect(ejected.map((entry) => entry.instance.url)).toEqual([dead.url]);
  });

  it('sends a GET answered 503 to another instance; a POST is never sent twice', async () => {
    const { dispatcher } = await route([{ status: 503 }, {}], { outlierDetection: false });
    for (let i = 0; i < 4; i++) expect((await get(dispatcher)).status).toBe(200);
    const posts: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await fetch('http://hello.abc/orders', {
        method: 'POST',
        body: '{}',
        dispatcher,
      } as never);
      await response.arrayBuffer();
      posts.push(response.status);
    }
    // Round robin: every other POST reached the failing instance, and its answer came back.
    expect(posts.toSorted()).toEqual([200, 200, 503, 503]);
  });

  it('does not send a POST again after its instance failed it; the error names every attempt', async () => {
    const { fleet, dispatcher } = await route([{}, {}], { outlierDetection: false });
    fleet.instances[0]!.child.process.kill('SIGKILL');
    await fleet.instances[0]!.child.exited(5_000);
    const outcomes: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      outcomes.push(
        await fetch('http://hello.abc/orders', { method: 'POST', body: '{}', dispatcher } as never)
          .then((response) => response.status)
          .catch((error: Error) => error.cause),
      );
    }
    const failed = outcomes.filter((outcome) => outcome instanceof RetryError) as RetryError[];
    expect(failed).toHaveLength(2);
    for (const error of failed) {
      expect(error.attempts).toBe(1);
      expect(error.reason).toBe('not-retryable');
      expect(error.message).toMatch(/ECONNREFUSED/);
    }
    expect(outcomes.filter((outcome) => outcome === 200)).toHaveLength(2);
  });

  it('gives up on an instance that does not answer in time, for another', async () => {
    const { fleet, dispatcher } = await route([{}, {}, {}]);
    const frozen = fleet.instances[1]!;
    frozen.child.process.kill('SIGSTOP');
    for (let i = 0; i < 6; i++) expect((await get(dispatcher)).body.name).not.toBe(frozen.name);
    const ejected = dispatcher.routing.endpointer('hello.abc')!.ejected();
    expect(ejected.map((entry) => entry.instance.url)).toEqual([frozen.url]);
  });

  it('stops at once when the caller aborts, whatever the instance is doing', async () => {
    const { fleet, dispatcher } = await route([{}]);
    fleet.instances[0]!.child.process.kill('SIGSTOP');
    const started = performance.now();
    const error = await fetch('http://hello.abc/whoami', {
      dispatcher,
      signal: AbortSignal.timeout(100),
    } as never).catch((caught: Error) => caught);
    expect((error as Error).name).toBe('TimeoutError');
    expect(performance.now() - started).toBeLessThan(700);
  });

  it('fails with the budget spent when the response starts too late', async () => {
    const { dispatcher } = await route([{ delayMs: 700 }], {
      retry: { timeoutMs: 300 },
      headersTimeoutMs: 5000,
    });
    const started = performance.now();
    const error = await fetch('http://hello.abc/slow', { dispatcher } as never).catch(
      (caught: Error) => caught.cause,
    );
    expect(error).toBeInstanceOf(RetryError);
    expect((error as RetryError).reason).toBe('budget-spent');
    expect(performance.now() - started).toBeLessThan(650);
  });

  it('lets requests for other host names through untouched', async () => {
    const { fleet, dispatcher } = await route([{}]);
    const direct = fleet.instances[0]!;
    const response = await fetch(`${direct.url.replace('127.0.0.1', 'localhost')}/direct?x=1`, {
      dispatcher,
    } as never);
    expect(await response.json()).toEqual({ name: direct.name, path: '/direct?x=1' });
    // Host names are matched whatever their case.
    expect((await fetch('http://HELLO.abc/case', { dispatcher } as never)).status).toBe(200);
  });

  it('serves fetch without a dispatcher argument once made the global dispatcher (opt-in)', async () => {
    const { dispatcher } = await route([{}]);
    const previous = getGlobalDispatcher();
    setGlobalDispatcher(dispatcher);
    try {
      const response = await fetch('http://hello.abc/global');
      expect(((await response.json()) as Answer).path).toBe('/global');
    } finally {
      setGlobalDispatcher(previous);
    }
  });

  it('names the hosts it routes, lower-case, and their paths without a trailing slash', async () => {
    const routing = new ZkRouting({
      client,
      hosts: { 'Hello.ABC': 'services/hello/abc/', world: '/services/w' },
    });
    expect(routing.hosts).toEqual(['hello.abc', 'world']);
    expect(routing.endpointer('HELLO.abc')?.path).toBe('/services/hello/abc');
    expect(routing.endpointer('other')).toBeUndefined();
    await routing.close();
  });

  it('refuses requests for its hosts at once once closed, and still lets others through', async () => {
    const fleet = await startFleet([{}]);
    const routing = new ZkRouting({ client, hosts: { 'hello.abc': fleet.endpointer.path } });
    const agent = new Agent();
    const dispatcher = agent.compose(routing.interceptor);
    closers.push(() => agent.close());
    await routing.close();
    const error = await fetch('http://hello.abc/', { dispatcher } as never).then(
      () => undefined,
      (caught: Error) => caught.cause as Error,
    );
    expect(error?.message).toMatch(
      /^ZkRouting is closed: hello\.abc is no longer routed to the instances of \/t-fleet-/,
    );
    const direct = await fetch(`${fleet.instances[0]!.url}/direct`, { dispatcher } as never);
    expect(direct.status).toBe(200);
  });

  it('fails a request for a routed host with no instance once the retry budget is spent', async () => {
    const fleet = await startFleet([{}]);
    const dispatcher = new ZkDispatcher({
      client,
      hosts: { 'nobody.abc': `${fleet.endpointer.path}-none` },
      retry: { timeoutMs: 300 },
    });
    closers.push(() => dispatcher.close());
    const error = await fetch('http://nobody.abc/', { dispatcher } as never).catch(
      (caught: Error) => caught.cause,
    );
    expect(error).toBeInstanceOf(RetryError);
    expect((error as RetryError).message).toMatch(/No endpoints|no instance|budget/i);
  });
});
