import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ExitCode } from '../../lib/cli/cli-errors.js';
import { run } from '../../lib/cli/program.js';
import { ZkClient } from '../../lib/client/index.js';
import { dubboNodeName, providerUrl } from '../interop/dubbo-names.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';
import { captureIo } from './cli-io.js';

const servers = inject('zkConnect');
const SERVICE = 'com.foo.BarService';

interface LsDocument {
  services: Array<{
    path: string;
    instances: Array<Record<string, unknown>>;
    skipped: Array<{ id: string; path: string; reason: string }>;
  }>;
}

describe('zk-discovery CLI on Dubbo and Finagle registries (formats read, never written)', () => {
  let client: ZkClient;
  const base = uniqueRoot('cli-read');
  const dubbo = `${base}/dubbo/${SERVICE}`;
  const finagle = `${base}/aurora/hello`;
  const enabled = dubboNodeName(providerUrl('dubbo', 20880, SERVICE, { weight: '200' }));
  const disabled = dubboNodeName(providerUrl('dubbo', 20881, SERVICE, { disabled: 'true' }));
  const consumer = dubboNodeName(
    `consumer://127.0.0.1/${SERVICE}?application=client&category=consumers&interface=${SERVICE}&side=consumer`,
  );
  const member = (port: number, status: string) =>
    JSON.stringify({
      serviceEndpoint: { host: '127.0.0.1', port },
      additionalEndpoints: { admin: { host: '127.0.0.1', port: port + 1000 } },
      status,
      shard: 0,
    });
  let members: string[];

  beforeAll(async () => {
    client = await ZkClient.connect({ servers });
    for (const category of ['providers', 'consumers', 'routers', 'configurators']) {
      await client.ensurePath(`${dubbo}/${category}`, 'persistent');
    }
    await client.create(`${dubbo}/providers/${enabled}`, '', { mode: 'ephemeral' });
    await client.create(`${dubbo}/providers/${disabled}`, '127.0.0.1', { mode: 'ephemeral' });
    await client.create(`${dubbo}/consumers/${consumer}`, '', { mode: 'ephemeral' });
    await client.ensurePath(finagle, 'persistent');
    members = [];
    for (const [port, status] of [
      [8080, 'ALIVE'],
      [8081, 'STOPPING'],
    ] as const) {
      const node = await client.create(`${finagle}/member_`, member(port, status), {
        mode: 'ephemeral-sequential',
      });
      members.push(node.slice(finagle.length + 1));
    }
  });
  afterAll(async () => {
    await client?.close();
  });

  it('ls shows both formats: Dubbo providers with weight and DISABLED, Finagle members with status and named ports', async () => {
    const cli = captureIo();
    expect(await run(['ls', base, '--servers', servers], cli.io)).toBe(ExitCode.ok);
    const consumerPath = `${dubbo}/consumers/${consumer}`;
    expect(cli.stderr()).toBe(
      `zk-discovery: Instance node ${consumerPath} skipped: its name is not a Dubbo provider URL: it is an entry of Dubbo's "consumers" category, not a provider (providers are read from /dubbo/<interface>/providers)\n`,
    );
    const [, ...rows] = cli.lines();
    const owner = `0x${client.sessionId}`;
    const age = expect.stringMatching(/^\d+[smhd]$/);
    const short = (id: string) => `${id.slice(0, 45)}…`;
    expect(rows.map((row) => row.split(/\s{2,}/))).toEqual([
      [finagle, members[0], 'finagle', '127.0.0.1:8080', 'ALIVE', age, owner, 'admin=:9080'],
      [finagle, members[1], 'finagle', '127.0.0.1:8081', 'STOPPING', age, owner, 'admin=:9081'],
      [`${dubbo}/configurators`, '(no instances)', '-', '-', '-', '-', '-', '-'],
      [`${dubbo}/consumers`, short(consumer), '?', '-', 'skipped', '-', '-', '-'],
      [
        `${dubbo}/providers`,
        short(enabled),
        'dubbo',
        '127.0.0.1:20880',
        '-',
        age,
        owner,
        'weight=200',
      ],
      [
        `${dubbo}/providers`,
        short(disabled),
        'dubbo',
        '127.0.0.1:20881',
        'DISABLED',
        age,
        owner,
        'weight=100',
      ],
      [`${dubbo}/routers`, '(no instances)', '-', '-', '-', '-', '-', '-'],
    ]);
  });

  it('ls --json has the whole ids, the formats, statuses, weights, metadata and named ports', async () => {
    const cli = captureIo();
    expect(await run(['ls', base, '--json', '--servers', servers], cli.io)).toBe(ExitCode.ok);
    const document = JSON.parse(cli.stdout()) as LsDocument;
    const byPath = new Map(document.services.map((service) => [service.path, service]));
    expect(byPath.get(`${dubbo}/providers`)!.instances).toMatchObject([
      {
        id: enabled,
        format: 'dubbo',
        address: '127.0.0.1',
        port: 20880,
        url: 'dubbo://127.0.0.1:20880',
        status: null,
        weight: 200,
        metadata: { interface: SERVICE, side: 'provider', weight: '200' },
      },
      { id: disabled, format: 'dubbo', port: 20881, status: 'DISABLED', weight: 100 },
    ]);
    expect(byPath.get(`${dubbo}/consumers`)!.skipped).toMatchObject([{ id: consumer }]);
    expect(byPath.get(finagle)!.instances).toMatchObject([
      {
        id: members[0],
        format: 'finagle',
        port: 8080,
        status: 'ALIVE',
        metadata: { status: 'ALIVE', shard: '0' },
        ports: { admin: { address: '127.0.0.1', port: 9080 } },
      },
      { id: members[1], format: 'finagle', status: 'STOPPING' },
    ]);
  });

  it('watch streams Dubbo providers joining and leaving', async () => {
    const cli = captureIo();
    const events = () =>
      cli.lines().map((line) => JSON.parse(line) as { event: string; instance: { id: string } });
    const providers = `${dubbo}/providers`;
    const watching = run(['watch', providers, '--json', '--servers', servers], cli.io);
    await waitFor(() => events().length === 2);
    expect(events().map((event) => [event.event, event.instance.id])).toEqual([
      ['present', enabled],
      ['present', disabled],
    ]);
    const joining = dubboNodeName(providerUrl('tri', 50051, SERVICE));
    await client.create(`${providers}/${joining}`, '', { mode: 'ephemeral' });
    await waitFor(() => events().length === 3);
    expect(events()[2]).toMatchObject({
      event: 'join',
      instance: { id: joining, format: 'dubbo', url: 'tri://127.0.0.1:50051', weight: 100 },
    });
    await client.delete(`${providers}/${joining}`);
    await waitFor(() => events().length === 4);
    expect(events()[3]).toMatchObject({ event: 'leave', instance: { id: joining } });
    cli.stop();
    expect(await watching).toBe(0);
    expect(cli.stderr()).toBe('');
  });
});
