import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ExitCode } from '../../lib/cli/cli-errors.js';
import { run } from '../../lib/cli/program.js';
import { ZkClient } from '../../lib/client/index.js';
import { Registrar } from '../../lib/sd/registrar/registrar.js';
import { freePort } from '../../lib/testing/index.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';
import { captureIo } from './cli-io.js';
import { type Registry, writeRegistry } from './registry-fixture.js';

const servers = inject('zkConnect');
const quiet = { log: () => {}, warn: () => {}, error: () => {} };

interface LsDocument {
  path: string;
  servers: string;
  services: Array<{
    path: string;
    instances: Array<Record<string, unknown>>;
    skipped: Array<{ id: string; path: string; reason: string }>;
  }>;
}

describe('zk-discovery CLI against a real ZooKeeper (go-kit, Curator and Spring instances)', () => {
  let client: ZkClient;
  let registry: Registry;
  const base = `${uniqueRoot('cli')}/services`;

  beforeAll(async () => {
    client = await ZkClient.connect({ servers });
    registry = await writeRegistry(client, base);
  });
  afterAll(async () => {
    await registry?.close();
    await client?.close();
  });

  it('ls prints every service and instance as a table: format, address:port, status, age, session', async () => {
    const cli = captureIo();
    expect(await run(['ls', base, '--servers', servers], cli.io)).toBe(ExitCode.ok);
    expect(cli.stderr()).toBe(
      `zk-discovery: Instance node ${base}/hello/broken skipped: Curator instance JSON has neither a "port" nor an "sslPort"\n`,
    );
    const [header, ...rows] = cli.lines();
    expect(header!.split(/\s{2,}/)).toEqual([
      'SERVICE',
      'INSTANCE',
      'FORMAT',
      'ADDRESS:PORT',
      'STATUS',
      'AGE',
      'SESSION',
      'TRAITS',
    ]);
    const cells = rows.map((row) => row.split(/\s{2,}/));
    const owner = `0x${client.sessionId}`;
    const age = expect.stringMatching(/^\d+[smhd]$/);
    expect(cells).toEqual([
      [`${base}/billing`, registry.ids.curator, 'curator', '127.0.0.1:7002', '-', age, owner, '-'],
      [`${base}/empty`, '(no instances)', '-', '-', '-', '-', '-', '-'],
      ...[
        [
          `${base}/hello`,
          registry.ids.spring,
          'spring',
          '127.0.0.1:7003',
          'UP',
          age,
          owner,
          'weight=3 zone=eu-1 grpc=:9003',
        ],
        [
          `${base}/hello`,
          registry.ids.springOut,
          'spring',
          '127.0.0.1:7004',
          'OUT_OF_SERVICE',
          age,
          owner,
          '-',
        ],
      ].sort((a, b) => (a[1]! < b[1]! ? -1 : 1)),
      [`${base}/hello`, 'broken', '?', '-', 'skipped', '-', '-', '-'],
      [`${base}/orders/v1`, registry.ids.gokit, 'gokit', '127.0.0.1:7001', '-', age, owner, '-'],
    ]);
  });

  it('ls --json prints one JSON document for scripts', async () => {
    const cli = captureIo();
    expect(await run(['ls', base, '--json', '--servers', servers], cli.io)).toBe(0);
    const document = JSON.parse(cli.stdout()) as LsDocument;
    expect(document.path).toBe(base);
    expect(document.servers).toBe(servers);
    expect(document.services.map((service) => service.path)).toEqual([
      `${base}/billing`,
      `${base}/empty`,
      `${base}/hello`,
      `${base}/orders/v1`,
    ]);
    const hello = document.services[2]!;
    expect(hello.instances.find((instance) => instance.id === registry.ids.spring)).toEqual({
      id: registry.ids.spring,
      path: `${base}/hello/${registry.ids.spring}`,
      format: 'spring',
      address: '127.0.0.1',
      port: 7003,
      sslPort: null,
      url: 'http://127.0.0.1:7003',
      status: 'UP',
      metadata: { instance_status: 'UP', zone: 'eu-1', weight: '3', 'port.grpc': '9003' },
      weight: 3,
      zone: 'eu-1',
      ports: { grpc: { address: '127.0.0.1', port: 9003 } },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      ageMs: expect.any(Number),
      sessionOwner: `0x${client.sessionId}`,
    });
    expect(hello.skipped).toEqual([
      { id: 'broken', path: `${base}/hello/broken`, reason: expect.stringContaining('"port"') },
    ]);
    expect(document.services[3]!.instances[0]).toMatchObject({
      format: 'gokit',
      url: 'http://127.0.0.1:7001',
      status: null,
    });
    expect(document.services[1]!.instances).toEqual([]);
  });

  it('takes the ensemble from ZK_SERVERS when --servers is not given', async () => {
    const cli = captureIo({ ZK_SERVERS: servers });
    expect(await run(['ls', `${base}/billing`, '--json'], cli.io)).toBe(0);
    const document = JSON.parse(cli.stdout()) as LsDocument;
    expect(document.services.map((service) => service.path)).toEqual([`${base}/billing`]);
  });

  it('ls on a path that does not exist: exit 1, a message on stderr naming it, nothing on stdout', async () => {
    const cli = captureIo();
    expect(await run(['ls', `${base}/nope`, '--servers', servers], cli.io)).toBe(ExitCode.failure);
    expect(cli.stdout()).toBe('');
    expect(cli.stderr()).toBe(
      `zk-discovery: no such path ${base}/nope on ${servers}. List its parent to see what exists (zk-discovery ls /), or check --servers.\n`,
    );
  });

  it('watch streams a join and a leave as NDJSON, after the instances already there', async () => {
    const cli = captureIo();
    const events = () =>
      cli
        .lines()
        .map(
          (line) => JSON.parse(line) as { event: string; instance: { id: string; port: number } },
        );
    const watching = run(['watch', `${base}/orders/v1`, '--json', '--servers', servers], cli.io);
    await waitFor(() => events().length === 1);
    expect(events()[0]).toMatchObject({ event: 'present', service: `${base}/orders/v1` });

    const joining = new Registrar(
      client,
      { path: `${base}/orders`, name: 'v1', data: 'http://127.0.0.1:7011' },
      { logger: quiet },
    );
    const node = await joining.register();
    const id = node.slice(node.lastIndexOf('/') + 1);
    await waitFor(() => events().length === 2);
    expect(events()[1]).toMatchObject({
      event: 'join',
      instance: { id, port: 7011, format: 'gokit' },
    });

    await joining.deregister();
    joining.close();
    await waitFor(() => events().length === 3);
    expect(events()[2]).toMatchObject({ event: 'leave', instance: { id } });
    expect(events().every((event) => typeof (event as { time?: unknown }).time === 'string')).toBe(
      true,
    );

    cli.stop();
    expect(await watching).toBe(0);
    expect(cli.stderr()).toBe('');
  });

  it('watch prints a line per change for humans, and a Spring status change', async () => {
    const cli = captureIo();
    const watching = run(['watch', `${base}/hello`, '--servers', servers], cli.io);
    await waitFor(() => cli.lines().length === 3);
    // The node without a port is shown as skipped, with the reason, before the instances.
    expect(cli.lines()[0]).toMatch(
      new RegExp(
        `^\\S+Z {2}skipped {2}broken {2}Instance node ${base}/hello/broken skipped: Curator instance JSON has neither a "port" nor an "sslPort"$`,
      ),
    );
    expect(
      cli
        .lines()
        .slice(1)
        .every((line) => /^\S+Z {2}present {2}/.test(line)),
    ).toBe(true);
    const springNode = `${base}/hello/${registry.ids.spring}`;
    const { data } = await client.getData(springNode);
    await client.setData(
      springNode,
      data.toString('utf8').replace('"instance_status":"UP"', '"instance_status":"DOWN"'),
    );
    await waitFor(() => cli.lines().length === 4);
    expect(cli.lines()[3]).toMatch(
      new RegExp(
        `change +${registry.ids.spring} {2}spring {2}127\\.0\\.0\\.1:7003 {2}DOWN {2}weight=3 zone=eu-1 grpc=:9003$`,
      ),
    );
    await client.setData(springNode, data);
    await waitFor(() => cli.lines().length === 5);
    cli.stop();
    expect(await watching).toBe(0);
  });

  it('nodes that are not usable instances are listed as skipped with the reason, never as services or instances', async () => {
    const junkBase = `${uniqueRoot('cli-junk')}/services`;
    const good = new Registrar(
      client,
      { path: `${junkBase}/orders`, name: 'v1', data: 'http://127.0.0.1:7031' },
      { logger: quiet },
    );
    const goodId = (await good.register()).split('/').pop()!;
    // go-kit text that is not a URL, and a persistent leaf holding data (not a service).
    await client.create(`${junkBase}/orders/v1/junk`, 'junk', { mode: 'ephemeral' });
    await client.create(`${junkBase}/config`, '{"feature":true}');
    try {
      const junkReason = `Instance node ${junkBase}/orders/v1/junk skipped: its data "junk" is not a URL (go-kit instances hold their base URL, e.g. http://10.0.0.5:8080; the default HTTP endpoint skips this one)`;
      const configReason = `Instance node ${junkBase}/config skipped: its data "{\\"feature\\":true}" is not a URL`;
      const ls = captureIo();
      expect(await run(['ls', junkBase, '--servers', servers], ls.io)).toBe(ExitCode.ok);
      const rows = ls
        .lines()
        .slice(1)
        .map((row) => row.split(/\s{2,}/).slice(0, 5));
      expect(rows).toEqual([
        [junkBase, 'config', '?', '-', 'skipped'],
        [`${junkBase}/orders/v1`, goodId, 'gokit', '127.0.0.1:7031', '-'],
        [`${junkBase}/orders/v1`, 'junk', '?', '-', 'skipped'],
      ]);
      expect(ls.stderr()).toContain(`zk-discovery: ${junkReason}\n`);
      expect(ls.stderr()).toContain(`zk-discovery: ${configReason}`);

      const watch = captureIo();
      const watching = run(
        ['watch', `${junkBase}/orders/v1`, '--json', '--servers', servers],
        watch.io,
      );
      await waitFor(() => watch.lines().length === 2);
      const events = watch.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(events).toEqual([
        {
          time: expect.any(String),
          event: 'skipped',
          service: `${junkBase}/orders/v1`,
          node: { id: 'junk', path: `${junkBase}/orders/v1/junk`, reason: junkReason },
        },
        expect.objectContaining({
          event: 'present',
          instance: expect.objectContaining({ id: goodId }),
        }),
      ]);
      watch.stop();
      expect(await watching).toBe(0);
      // Said once, on stdout: not again as a warning on stderr.
      expect(watch.stderr()).toBe('');
    } finally {
      await good.deregister();
      good.close();
    }
  });

  it('watch on a missing path fails with exit 1, or waits for it with --wait', async () => {
    const missing = `${base}/later/v1`;
    const failing = captureIo();
    expect(await run(['watch', missing, '--servers', servers], failing.io)).toBe(1);
    expect(failing.stderr()).toContain(`no such path ${missing}`);
    expect(failing.stderr()).toContain('--wait');

    const cli = captureIo();
    const watching = run(['watch', missing, '--wait', '--json', '--servers', servers], cli.io);
    await waitFor(() => cli.stderr().includes('waiting for it'));
    const later = new Registrar(
      client,
      { path: `${base}/later`, name: 'v1', data: 'http://127.0.0.1:7021' },
      { logger: quiet },
    );
    await later.register();
    await waitFor(() => cli.lines().length === 1);
    expect(JSON.parse(cli.lines()[0]!)).toMatchObject({ event: 'join', instance: { port: 7021 } });
    cli.stop();
    expect(await watching).toBe(0);
    await later.deregister();
    later.close();
  });
});

describe('zk-discovery CLI errors', () => {
  it('unreachable servers: exit 2 and a message naming them, nothing on stdout', async () => {
    const nobody = `127.0.0.1:${await freePort()}`;
    for (const command of [
      ['ls', '/services'],
      ['watch', '/services/hello'],
    ]) {
      const cli = captureIo();
      expect(await run([...command, '--servers', nobody, '--timeout', '300'], cli.io)).toBe(
        ExitCode.unreachable,
      );
      expect(cli.stdout()).toBe('');
      expect(cli.stderr()).toBe(
        `zk-discovery: cannot reach ZooKeeper at ${nobody}: ${nobody} refused the connection ` +
          '(nothing listens there). Check that ZooKeeper runs there and that the ports match its ' +
          'clientPort; pass --servers host:port,... (or set ZK_SERVERS).\n',
      );
    }
  });

  it.each([
    [['ls', 'services'], '"services" is relative'],
    [['ls', '--timeout', 'soon'], 'expected a positive whole number of milliseconds'],
    [['ls', '--depth', '99'], 'expected a whole number from 0 to 20'],
    [['watch'], "missing required argument 'path'"],
    [['remove', '/services'], "unknown command 'remove'"],
    [['ls', '--colour'], "unknown option '--colour'"],
  ])('bad arguments %j: exit 64, the error and the usage on stderr', async (argv, message) => {
    const cli = captureIo();
    expect(await run(argv, cli.io)).toBe(ExitCode.usage);
    expect(cli.stdout()).toBe('');
    expect(cli.stderr()).toContain(message);
    expect(cli.stderr()).toContain('Usage: zk-discovery');
  });

  it('a malformed --servers: exit 64 with the fix', async () => {
    const cli = captureIo();
    expect(await run(['ls', '--servers', 'localhost'], cli.io)).toBe(ExitCode.usage);
    expect(cli.stdout()).toBe('');
    expect(cli.stderr()).toContain('"localhost" is not host:port');
    expect(cli.stderr()).toContain('--servers value');
  });

  it('--help prints the usage on stdout and exits 0', async () => {
    const cli = captureIo();
    expect(await run(['--help'], cli.io)).toBe(0);
    expect(cli.stdout()).toContain('Usage: zk-discovery [options] [command]');
    expect(cli.stdout()).toContain('ls [options] [path]');
    expect(cli.stdout()).toContain('watch [options] <path>');
    expect(cli.stdout()).toMatch(/\$ZK_SERVERS,\s+else\s+127\.0\.0\.1:2181/);
  });
});
