import { describe, expect, it } from 'vitest';
import {
  ZkNodeExistsError,
  ZkNoNodeError,
  ZkUnexpectedError,
} from '../../lib/client/errors/zk-operation.errors.js';
import type { ZkClient } from '../../lib/client/zk-client.js';
import type { ZkCreateOptions } from '../../lib/client/zk-client.types.js';
import type { ZkStat } from '../../lib/client/zk-codes.js';
import { InvalidServiceError } from '../../lib/sd/errors/invalid-service.error.js';
import { curatorNodeFormat } from '../../lib/sd/formats/curator-node.format.js';

/**
 * A stand-in client for the create logic alone (which parent kind, which retries): it records
 * calls and fails the ones it is told to. What the real server does is proven in
 * curator-registrar.test.ts.
 */
class ScriptedClient {
  readonly calls: string[] = [];
  sessionId = 'abc';
  /** Failures to throw, per call kind, in order. */
  readonly failures: Record<string, Error[]> = {};
  existing: Partial<ZkStat> | null = null;

  async ensurePath(path: string, mode: string): Promise<void> {
    this.calls.push(`ensurePath ${path} ${mode}`);
    this.fail(`ensurePath ${mode}`);
  }
  async create(path: string, _data: Buffer, options: ZkCreateOptions): Promise<string> {
    this.calls.push(`create ${path} ${options.mode}`);
    this.fail('create');
    return path;
  }
  async exists(path: string): Promise<Partial<ZkStat> | null> {
    this.calls.push(`exists ${path}`);
    return this.existing;
  }
  async setData(path: string): Promise<void> {
    this.calls.push(`setData ${path}`);
  }
  async delete(path: string): Promise<void> {
    this.calls.push(`delete ${path}`);
  }
  async waitUntilConnected(): Promise<void> {}

  private fail(kind: string): void {
    const error = this.failures[kind]?.shift();
    if (error) throw error;
  }

  get asClient(): ZkClient {
    return this as unknown as ZkClient;
  }
}

const id = '3f00093e-39b4-4837-b045-c9b8b0820715';
const data = Buffer.from('{}');

describe('curatorNodeFormat: how a Curator/Spring instance node is created', () => {
  it('servicePath/<id>, ephemeral, in one request when the service node exists; container parents when not', async () => {
    const client = new ScriptedClient();
    const node = await curatorNodeFormat(id).createNode(
      client.asClient,
      '/services/hello',
      data,
      {},
    );
    expect(node).toBe(`/services/hello/${id}`);
    expect(client.calls).toEqual([`create /services/hello/${id} ephemeral`]);

    const fresh = new ScriptedClient();
    fresh.failures.create = [new ZkNoNodeError('create', `/services/hello/${id}`, -101)];
    await curatorNodeFormat(id).createNode(fresh.asClient, '/services/hello', data, {});
    expect(fresh.calls).toEqual([
      `create /services/hello/${id} ephemeral`,
      'ensurePath /services/hello container',
      `create /services/hello/${id} ephemeral`,
    ]);
  });

  it('falls back to persistent parents when the server has no containers (before 3.5), and remembers it', async () => {
    const client = new ScriptedClient();
    const noParent = () => new ZkNoNodeError('create', `/services/hello/${id}`, -101);
    client.failures.create = [noParent()];
    client.failures['ensurePath container'] = [
      new ZkUnexpectedError('create', '/services', -6, 'ZUNIMPLEMENTED'),
    ];
    const format = curatorNodeFormat(id, 'spring');
    await format.createNode(client.asClient, '/services/hello', data, {});
    // Its parents gone again: this time straight to persistent ones.
    client.failures.create = [noParent()];
    await format.createNode(client.asClient, '/services/hello', data, {});
    expect(client.calls).toEqual([
      `create /services/hello/${id} ephemeral`,
      'ensurePath /services/hello container',
      'ensurePath /services/hello persistent',
      `create /services/hello/${id} ephemeral`,
      `create /services/hello/${id} ephemeral`,
      'ensurePath /services/hello persistent',
      `create /services/hello/${id} ephemeral`,
    ]);
  });

  it('creates the parents again when the empty container was removed in between', async () => {
    const client = new ScriptedClient();
    const noParent = () => new ZkNoNodeError('create', `/services/hello/${id}`, -101);
    // No service node; then, between its creation and ours, the server removed the empty container.
    client.failures.create = [noParent(), noParent()];
    await curatorNodeFormat(id).createNode(client.asClient, '/services/hello', data, {});
    expect(client.calls.filter((call) => call.startsWith('ensurePath'))).toHaveLength(2);
  });

  it('takes over a node this session already owns (a create whose answer was lost)', async () => {
    const client = new ScriptedClient();
    client.failures.create = [new ZkNodeExistsError('create', `/services/hello/${id}`, -110)];
    client.existing = { ephemeralOwner: 'abc' };
    await curatorNodeFormat(id).createNode(client.asClient, '/services/hello', data, {});
    expect(client.calls.slice(-2)).toEqual([
      `exists /services/hello/${id}`,
      `setData /services/hello/${id}`,
    ]);
  });

  it('gives up after a few attempts with the last error', async () => {
    const client = new ScriptedClient();
    client.failures.create = Array.from(
      { length: 5 },
      () => new ZkNoNodeError('create', `/services/hello/${id}`, -101),
    );
    await expect(
      curatorNodeFormat(id).createNode(client.asClient, '/services/hello', data, {}),
    ).rejects.toThrow(ZkNoNodeError);
  });

  it('refuses an id that is not a node name', () => {
    expect(() => curatorNodeFormat('a/b')).toThrow(InvalidServiceError);
  });
});
