import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { ZkClientProxy, type ZkClientProxyOptions } from '../../lib/microservices/index.js';
import { RetryError, type ZkEndpointer } from '../../lib/sd/index.js';
import { compiledLibFor, type MathFleet, startMathFleet } from '../support/microservice-fleet.js';
import { waitFor } from '../support/wait-for.js';

/** What a test can see of the endpoints of a `ZkClientProxy` (its `unwrap()`). */
interface InstanceClientView {
  readonly instance: { readonly port: number | undefined };
  readonly made: unknown;
}

describe('ZkClientProxy against real Nest TCP microservices registered in ZooKeeper', () => {
  const servers = inject('zkConnect');
  let dist: string;
  let client: ZkClient;
  const fleets: MathFleet[] = [];
  const proxies: ZkClientProxy[] = [];
  /** Three instances for the tests that neither stop nor kill one. */
  let shared: MathFleet;
  let names: Set<string>;

  beforeAll(async () => {
    dist = compiledLibFor('microservices-proxy');
    client = await ZkClient.connect({ servers });
    shared = await startMathFleet(dist, servers, 3);
    names = new Set(shared.instances.map((instance) => instance.name));
  });
  afterEach(async () => {
    for (const proxy of proxies.splice(0)) await proxy.close();
    for (const fleet of fleets.splice(0)) fleet.close();
  });
  afterAll(async () => {
    shared?.close();
    await client?.close();
  });
  /** What each of the shared instances has seen: `fail` calls and `hit` events. */
  const sharedCounts = () => Promise.all(shared.instances.map((instance) => instance.counts()));

  const fleetOf = async (count: number) => {
    const fleet = await startMathFleet(dist, servers, count);
    fleets.push(fleet);
    return fleet;
  };
  const proxyFor = (fleet: MathFleet, options: Partial<ZkClientProxyOptions> = {}) => {
    const proxy = new ZkClientProxy({ client, path: fleet.path, logger: false, ...options });
    proxies.push(proxy);
    return proxy;
  };
  const endpointsOf = (proxy: ZkClientProxy) =>
    proxy.unwrap<ZkEndpointer<InstanceClientView>>().endpoints();

  it('loses no call of 20 send()s per second while one of three instances is killed by SIGKILL', async () => {
    const fleet = await fleetOf(3);
    const proxy = proxyFor(fleet, { timeoutMs: 1000 });
    await proxy.connect();
    await waitFor(() => endpointsOf(proxy).length === 3);

    const answers: string[] = [];
    const failures: unknown[] = [];
    const pending = new Set<Promise<void>>();
    const sendOne = () => {
      const call = lastValueFrom(proxy.send<string>('whoami', {})).then(
        (name) => {
          answers.push(name);
        },
        (error: unknown) => {
          failures.push(error);
        },
      );
      pending.add(call);
      void call.finally(() => pending.delete(call));
    };
    const load = setInterval(sendOne, 50);
    try {
      await waitFor(() => new Set(answers).size === 3 && answers.length >= 20, {
        timeoutMs: 10_000,
      });
      const victim = fleet.instances[1]!;
      victim.child.process.kill('SIGKILL');
      // Its session expires (2 s) and ZooKeeper drops its node: the endpointer follows.
      await waitFor(() => endpointsOf(proxy).length === 2, { timeoutMs: 10_000 });
      const afterLeave = answers.length;
      await waitFor(() => answers.length >= afterLeave + 20, { timeoutMs: 10_000 });
    } finally {
      clearInterval(load);
    }
    await Promise.all([...pending]);
    expect(failures).toEqual([]);
    expect(answers.length).toBeGreaterThanOrEqual(60);
    expect(new Set(answers)).toEqual(new Set(['m0', 'm1', 'm2']));
    // Calls did meet the dead instance before ZooKeeper dropped it: it was ejected.
    expect(proxy.unwrap<ZkEndpointer<unknown>>().ejectionsTotal).toBeGreaterThanOrEqual(1);
  });

  it('spreads events over the instances, each to exactly one', async () => {
    const before = (await sharedCounts()).map((c) => c.events);
    const proxy = proxyFor(shared);
    for (let i = 0; i < 30; i++) await lastValueFrom(proxy.emit('hit', { i }), { defaultValue: 0 });
    const received = async () => (await sharedCounts()).map((c, i) => c.events - before[i]!);
    await waitFor(async () => (await received()).reduce((sum, n) => sum + n, 0) === 30);
    // Round robin: ten each.
    expect(await received()).toEqual([10, 10, 10]);
  });

  it("gives a handler's error back as it is, and never retries it", async () => {
    const fails = async () => (await sharedCounts()).reduce((sum, c) => sum + c.fails, 0);
    const before = await fails();
    const proxy = proxyFor(shared);
    const error = await lastValueFrom(proxy.send('fail', {})).catch((caught: unknown) => caught);
    expect(error).toEqual({ code: 'BOOM', instance: expect.stringMatching(/^m\d$/) });
    expect((await fails()) - before).toBe(1);
    // The instance answered: the error is no mark against it.
    expect(proxy.unwrap<ZkEndpointer<unknown>>().ejected()).toEqual([]);
  });

  it('retries an instance that gives no answer in time on another, and ejects it', async () => {
    const fleet = await fleetOf(2);
    const proxy = proxyFor(fleet, { timeoutMs: 300 });
    await proxy.connect();
    const frozen = fleet.instances[0]!;
    frozen.child.process.kill('SIGSTOP');
    const answers: string[] = [];
    for (let i = 0; i < 12; i++)
      answers.push(await lastValueFrom(proxy.send<string>('whoami', {})));
    expect(answers).not.toContain(frozen.name);
    const ejected = proxy.unwrap<ZkEndpointer<unknown>>().ejected();
    expect(ejected.map((e) => e.instance.port)).toEqual([frozen.port]);
  });

  it('fails a call with a RetryError of every attempt when no instance answers', async () => {
    const fleet = await fleetOf(1);
    const proxy = proxyFor(fleet, { timeoutMs: 200, retry: { attempts: 2, timeoutMs: 2000 } });
    await proxy.connect();
    fleet.instances[0]!.child.process.kill('SIGSTOP');
    const error = await lastValueFrom(proxy.send('whoami', {})).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RetryError);
    expect((error as RetryError).errors).toHaveLength(2);
    expect((error as RetryError).message).toMatch(/No answer from instance 127\.0\.0\.1:\d+/);
  });

  it('counts an answered call as a success, and a caller who unsubscribes early as a cancellation', async () => {
    const judged: unknown[] = [];
    const proxy = proxyFor(shared, {
      outlierDetection: {
        countsAsFailure: (error) => {
          judged.push(error);
          return true;
        },
      },
    });
    for (let i = 0; i < 5; i++)
      expect(names).toContain(await lastValueFrom(proxy.send('whoami', {})));
    // Completing unsubscribes before retry has seen the answer: that must not read as a failure.
    expect(judged).toEqual([]);
    // The attempt is in flight once subscribe() returns (the path is read).
    const early = proxy.send('slow', 300).subscribe();
    early.unsubscribe();
    // An AbortError, which the default countsAsFailure leaves out.
    await waitFor(() => judged.length === 1);
    expect(judged).toEqual([expect.objectContaining({ name: 'AbortError' })]);
  });

  it('serves a send() and an emit() made as soon as the client is, once the path has been read', async () => {
    const events = async () => (await sharedCounts()).reduce((sum, c) => sum + c.events, 0);
    const before = await events();
    // One attempt: no retry to hide a call made before the instances were known.
    const once = { retry: { attempts: 1 } };
    expect(names).toContain(await lastValueFrom(proxyFor(shared, once).send('whoami', {})));
    await lastValueFrom(proxyFor(shared, once).emit('hit', {}), { defaultValue: undefined });
    await waitFor(async () => (await events()) === before + 1);
  });

  it('relays every answer of a streaming handler', async () => {
    const proxy = proxyFor(shared);
    expect(await lastValueFrom(proxy.send('stream', {}).pipe(toArray()))).toEqual([1, 2, 3]);
  });

  it('follows instances that join and leave: connections open at the first call, close when the instance leaves', async () => {
    const fleet = await fleetOf(1);
    const proxy = proxyFor(fleet);
    await proxy.connect();
    await waitFor(() => endpointsOf(proxy).length === 1);
    expect(endpointsOf(proxy).map((endpoint) => endpoint.made)).toEqual([undefined]);

    const joined = await fleet.start();
    await waitFor(() => endpointsOf(proxy).length === 2);
    const seen = new Set<string>();
    await waitFor(async () => {
      seen.add(await lastValueFrom(proxy.send<string>('whoami', {})));
      return seen.has(joined.name);
    });
    const joinedEndpoint = endpointsOf(proxy).find((e) => e.instance.port === joined.port)!;
    expect(joinedEndpoint.made).toBeDefined();

    // SIGTERM: Nest deregisters it on the way out.
    joined.child.process.kill('SIGTERM');
    await waitFor(() => endpointsOf(proxy).length === 1, { timeoutMs: 10_000 });
    expect(joinedEndpoint.made).toBeUndefined();
    for (let i = 0; i < 4; i++) {
      expect(await lastValueFrom(proxy.send<string>('whoami', {}))).not.toBe(joined.name);
    }
  });

  it('connect(), close() and status behave as on Nest clients', async () => {
    const proxy = proxyFor(shared);
    expect(() => proxy.unwrap()).toThrow(/call the "connect" method first/);
    await proxy.connect();
    expect(await firstValueFrom(proxy.status)).toBe('connected');

    const slow = lastValueFrom(proxy.send('slow', 2000)).catch((caught: unknown) => caught);
    await waitFor(() => endpointsOf(proxy).some((endpoint) => endpoint.made !== undefined));
    await proxy.close();
    expect(await firstValueFrom(proxy.status)).toBe('disconnected');
    expect(await slow).toEqual(
      expect.objectContaining({ message: expect.stringMatching(/was closed while this call/) }),
    );

    // A call after close() starts again, as Nest's clients reconnect.
    expect(names).toContain(await lastValueFrom(proxy.send('whoami', {})));
    expect(await firstValueFrom(proxy.status)).toBe('connected');
  });
});
