import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ZkClient, type ZkRequestCounts } from '../../lib/client/index.js';
import { curatorNodeFormat } from '../../lib/sd/formats/curator-node.format.js';
import { goKitNodeFormat } from '../../lib/sd/formats/gokit.format.js';
import type { InstanceNodeFormat } from '../../lib/sd/formats/instance-node-format.js';
import { replaceInstanceNode } from '../../lib/sd/registrar/instance-node-replacement.js';
import { uniqueRoot } from '../support/unique-root.js';

const servers = inject('zkConnect');

/** Requests `client` sent while `work` ran, per operation (zeros left out). */
async function requestsOf(client: ZkClient, work: () => Promise<unknown>) {
  const before = client.requestCounts;
  await work();
  const after = client.requestCounts;
  const sent: Partial<ZkRequestCounts> = {};
  for (const key of Object.keys(after) as (keyof ZkRequestCounts)[])
    if (after[key] !== before[key]) sent[key] = after[key] - before[key];
  return sent;
}

describe('re-registration replaces the old instance node', () => {
  let protocol: ZkClient;
  let native: ZkClient;
  beforeAll(async () => {
    [protocol, native] = await Promise.all([
      ZkClient.connect({ servers, transport: 'protocol' }),
      ZkClient.connect({ servers, transport: 'native' }),
    ]);
  });
  afterAll(async () => {
    await protocol.close();
    await native.close();
  });

  const formats: Array<[string, InstanceNodeFormat]> = [
    ['go-kit', goKitNodeFormat],
    ['Curator', curatorNodeFormat('instance-1')],
  ];

  for (const [name, format] of formats) {
    it(`${name}: the old node still there is deleted and the new one created in one transaction`, async () => {
      const servicePath = `${uniqueRoot('replace')}/svc`;
      const target = {
        client: protocol,
        format,
        servicePath,
        data: Buffer.from('http://127.0.0.1:2'),
        acls: {},
        reconnectWaitMs: 5_000,
      };
      const previous = await format.createNode(
        protocol,
        servicePath,
        Buffer.from('http://127.0.0.1:1'),
        {},
      );
      let node = '';
      const sent = await requestsOf(protocol, async () => {
        node = await replaceInstanceNode(target, previous);
      });
      expect(sent).toEqual({ total: 1, multi: 1 });
      const children = await protocol.getChildren(servicePath);
      expect(children.map((child) => `${servicePath}/${child}`)).toEqual([node]);
      expect((await protocol.getData(node)).data.toString()).toBe('http://127.0.0.1:2');
      expect((await protocol.exists(node))?.ephemeralOwner).toBe(protocol.sessionId);
    });
  }

  it('when the old node died with its session (the usual case), the failed transaction is followed by a plain create', async () => {
    const servicePath = `${uniqueRoot('replace-gone')}/svc`;
    await protocol.ensurePath(servicePath);
    const target = {
      client: protocol,
      format: goKitNodeFormat,
      servicePath,
      data: Buffer.from('http://127.0.0.1:3'),
      acls: {},
      reconnectWaitMs: 5_000,
    };
    let node = '';
    const sent = await requestsOf(protocol, async () => {
      node = await replaceInstanceNode(target, `${servicePath}/_c_gone-0000000001`);
    });
    expect(sent).toEqual({ total: 2, multi: 1, create: 1 });
    expect(await protocol.getChildren(servicePath)).toEqual([node.slice(servicePath.length + 1)]);
  });

  it('the native transport, without multi, deletes first and then creates', async () => {
    const servicePath = `${uniqueRoot('replace-native')}/svc`;
    const previous = await goKitNodeFormat.createNode(native, servicePath, Buffer.from('x'), {});
    const target = {
      client: native,
      format: goKitNodeFormat,
      servicePath,
      data: Buffer.from('http://127.0.0.1:4'),
      acls: {},
      reconnectWaitMs: 5_000,
    };
    let node = '';
    const sent = await requestsOf(native, async () => {
      node = await replaceInstanceNode(target, previous);
    });
    expect(sent).toEqual({ total: 2, delete: 1, create: 1 });
    expect(await native.getChildren(servicePath)).toEqual([node.slice(servicePath.length + 1)]);
  });
});
