import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { curatorNodeFormat } from '../../lib/sd/formats/curator-node.format.js';
import { Instancer } from '../../lib/sd/instancer/instancer.js';
import { Registrar } from '../../lib/sd/registrar/registrar.js';
import type { InstancerSnapshot } from '../../lib/sd/service-instance.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const servers = inject('zkConnect');
const quiet = { log: () => {}, warn: () => {}, error: () => {} };

describe('Registrar and Instancer, two processes worth of clients', () => {
  let registering: ZkClient;
  let watching: ZkClient;
  const closers: Array<() => unknown> = [];

  beforeAll(async () => {
    [registering, watching] = await Promise.all([
      ZkClient.connect({ servers }),
      ZkClient.connect({ servers }),
    ]);
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });
  afterAll(async () => {
    await registering.close();
    await watching.close();
  });

  function watch(path: string): { instancer: Instancer; urls: () => string[] } {
    const instancer = new Instancer(watching, path, { logger: quiet });
    closers.push(() => instancer.close());
    return { instancer, urls: () => (instancer.snapshot?.instances ?? []).map((i) => i.url ?? '') };
  }

  it('one registers, the other sees it; deregister and it is gone, leaving the service node', async () => {
    const root = uniqueRoot();
    const { urls } = watch(`${root}/hello/abc`);
    const registrar = new Registrar(registering, {
      path: `${root}/hello`,
      name: 'abc',
      data: 'http://127.0.0.1:8080',
    });
    const node = await registrar.register();
    expect(node).toMatch(new RegExp(`^${root}/hello/abc/_c_[0-9a-f]{32}-\\d{10}$`));
    await waitFor(() => urls().length === 1);
    expect(urls()).toEqual(['http://127.0.0.1:8080']);

    // go-kit defect 1: its Deregister deletes the service directory and fails with "node has children".
    const sibling = new Registrar(registering, {
      path: `${root}/hello`,
      name: 'abc',
      data: 'http://127.0.0.1:8081',
    });
    await sibling.register();
    await waitFor(() => urls().length === 2);
    expect(await registrar.deregister()).toBe(true);
    await waitFor(() => urls().length === 1);
    expect(urls()).toEqual(['http://127.0.0.1:8081']);
    expect(await registering.exists(node)).toBeNull();
    expect(await registering.exists(`${root}/hello/abc`)).not.toBeNull();
    // Idempotent: a second deregister is a success and deletes nothing else.
    expect(await registrar.deregister()).toBe(true);
    expect(await registering.getChildren(`${root}/hello/abc`)).toHaveLength(1);
    await sibling.deregister();
    registrar.close();
    sibling.close();
  });

  it("closing the registering client's session removes the instance from the other's view", async () => {
    const root = uniqueRoot();
    const { urls } = watch(`${root}/svc/a`);
    const owner = await ZkClient.connect({ servers });
    await new Registrar(owner, {
      path: `${root}/svc`,
      name: 'a',
      data: 'http://127.0.0.1:9000',
    }).register();
    await waitFor(() => urls().length === 1);
    await owner.close();
    await waitFor(() => urls().length === 0);
  });

  it('register() is idempotent and update() changes the data consumers see', async () => {
    const root = uniqueRoot();
    const { urls } = watch(`${root}/svc/a`);
    const registrar = new Registrar(registering, {
      path: `${root}/svc`,
      name: 'a',
      data: 'http://127.0.0.1:1111',
    });
    const [first, second] = await Promise.all([registrar.register(), registrar.register()]);
    expect(second).toBe(first);
    expect(await registrar.register()).toBe(first);
    expect(await registering.getChildren(`${root}/svc/a`)).toHaveLength(1);
    await waitFor(() => urls()[0] === 'http://127.0.0.1:1111');
    await registrar.update('http://127.0.0.1:2222');
    await waitFor(() => urls()[0] === 'http://127.0.0.1:2222');
    await registrar.deregister();
  });

  it('go-kit defect 2: the instancer keeps watching after the path is deleted and re-created', async () => {
    const root = uniqueRoot();
    const path = `${root}/svc/a`;
    const { urls, instancer } = watch(path);
    await waitFor(() => instancer.snapshot !== undefined);
    expect(instancer.snapshot).toMatchObject({ instances: [], stale: false });

    await registering.ensurePath(path);
    await registering.create(`${path}/i1`, 'http://127.0.0.1:1', { mode: 'ephemeral' });
    await waitFor(() => urls().length === 1);
    await registering.delete(`${path}/i1`);
    await registering.delete(path);
    await waitFor(() => urls().length === 0);

    await registering.ensurePath(path);
    await registering.create(`${path}/i2`, 'http://127.0.0.1:2', { mode: 'ephemeral' });
    await waitFor(() => urls()[0] === 'http://127.0.0.1:2');
  });

  it('subscribers get the current snapshot at once, then only real changes', async () => {
    const root = uniqueRoot();
    const path = `${root}/svc/a`;
    await registering.ensurePath(path);
    await registering.create(`${path}/i1`, 'http://127.0.0.1:1', { mode: 'ephemeral' });
    const { instancer } = watch(path);
    await waitFor(() => instancer.snapshot?.instances.length === 1);
    const seen: InstancerSnapshot[] = [];
    instancer.subscribe((snapshot) => seen.push(snapshot));
    expect(seen).toHaveLength(1);
    // A change that leaves the set identical (data rewritten with the same bytes) is not re-emitted.
    await registering.setData(`${path}/i1`, 'http://127.0.0.1:1');
    await registering.create(`${path}/i2`, 'http://127.0.0.1:2', { mode: 'ephemeral' });
    await waitFor(() => seen.length === 2);
    expect(seen[1]!.instances.map((i) => i.id)).toEqual(['i1', 'i2']);
  });

  it('an undecodable instance is skipped and logged once; the others stand', async () => {
    const root = uniqueRoot();
    const path = `${root}/svc/a`;
    const warnings: string[] = [];
    await registering.ensurePath(path);
    await registering.create(`${path}/good`, 'http://127.0.0.1:1', { mode: 'ephemeral' });
    await registering.create(`${path}/empty`, '', { mode: 'ephemeral' });
    await registering.create(`${path}/binary`, Buffer.from([0xff, 0xfe, 0x00]), {
      mode: 'ephemeral',
    });
    const instancer = new Instancer(watching, path, {
      logger: { ...quiet, warn: (m) => warnings.push(m) },
    });
    closers.push(() => instancer.close());
    await waitFor(() => instancer.snapshot !== undefined);
    expect(instancer.snapshot!.instances.map((i) => i.id)).toEqual(['good']);
    await registering.create(`${path}/good2`, 'http://127.0.0.1:2', { mode: 'ephemeral' });
    await waitFor(() => instancer.snapshot!.instances.length === 2);
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).toContain(`${path}/empty`);
    expect(warnings.join('\n')).toContain(`${path}/binary`);
  });

  it('go-kit defect 5: a change at 1,000 instances issues one data read (and, with one-shot watches, one children read)', async () => {
    const root = uniqueRoot();
    const path = `${root}/big/svc`;
    await registering.ensurePath(path);
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        registering.create(
          `${path}/i${String(i).padStart(4, '0')}`,
          `http://127.0.0.1:${10000 + i}`,
          {
            mode: 'ephemeral',
          },
        ),
      ),
    );
    const { instancer } = watch(path);
    await waitFor(() => instancer.snapshot?.instances.length === 1000, { timeoutMs: 20_000 });
    const before = watching.requestCounts;
    await registering.create(`${path}/new`, 'http://127.0.0.1:20000', { mode: 'ephemeral' });
    await waitFor(() => instancer.snapshot?.instances.length === 1001);
    const after = watching.requestCounts;
    // The persistent recursive watch names the new child; one-shot watches make the list be read.
    const listed = watching.transport === 'protocol' ? 0 : 1;
    expect(after.getChildren - before.getChildren).toBe(listed);
    expect(after.getData - before.getData).toBe(1);
    expect(after.total - before.total).toBe(1 + listed);
  });

  it('a registration sends one request when its service node exists, and creates the parents when not', async () => {
    const root = uniqueRoot();
    for (const format of ['gokit', 'curator'] as const) {
      const base = `${root}/${format}`;
      const registrar = (id: string) =>
        new Registrar(
          registering,
          { path: base, name: 'svc', data: `http://127.0.0.1:${id}` },
          {
            logger: quiet,
            ...(format === 'curator' ? { format: curatorNodeFormat(`instance-${id}`) } : {}),
          },
        );
      // The first one finds no service node: create (NoNode), the parents, create again.
      const first = registrar('7001');
      let before = registering.requestCounts;
      await first.register();
      let after = registering.requestCounts;
      expect(after.create - before.create).toBeGreaterThanOrEqual(3);
      // The next one finds it: the create alone.
      const second = registrar('7002');
      before = registering.requestCounts;
      const node = await second.register();
      after = registering.requestCounts;
      expect({
        format,
        total: after.total - before.total,
        create: after.create - before.create,
      }).toEqual({
        format,
        total: 1,
        create: 1,
      });
      expect((await watching.getData(node)).data.toString()).toContain('7002');
      for (const r of [first, second]) {
        await r.deregister();
        r.close();
      }
    }
  });

  it('rejects bad input before writing anything, naming the value', async () => {
    const before = registering.requestCounts.total;
    expect(
      () => new Registrar(registering, { path: 'services/hello', name: 'a', data: 'x' }),
    ).toThrow(/registration path "services\/hello": it is relative/);
    expect(
      () => new Registrar(registering, { path: '/services//hello', name: 'a', data: 'x' }),
    ).toThrow(/segment "" is not allowed/);
    expect(() => new Registrar(registering, { path: '/services', name: '', data: 'x' })).toThrow(
      /registration name "": it is empty/,
    );
    expect(
      () =>
        new Registrar(registering, {
          path: '/services',
          name: 'a',
          data: Buffer.alloc(1024 * 1024),
        }),
    ).toThrow(/1048576 bytes is over ZooKeeper's node limit/);
    expect(() => new Instancer(watching, 'relative/path')).toThrow(
      /instancer path "relative\/path": it is relative/,
    );
    expect(registering.requestCounts.total).toBe(before);
  });
});
