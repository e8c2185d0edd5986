import { ZkNoNodeError } from '../../client/errors/zk-operation.errors.js';
import { protectedNodePrefix } from '../../client/protected-nodes.js';
import { childPath } from '../../client/znode-paths.js';
import { InstanceDecodeError } from '../errors/instance-decode.error.js';
import type { ServiceInstance } from '../service-instance.js';
import type { InstanceNode } from './instance-node.js';
import type { InstanceNodeFormat } from './instance-node-format.js';
import { parsePlainHttpUrl } from './plain-http-url.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * go-kit's format: the data is raw bytes, conventionally a URL (`http://10.0.0.5:8080`). Any
 * non-empty UTF-8 text is an instance; a URL also gives `url`, `address` and `port`.
 * @throws InstanceDecodeError when the data is empty, blank or not UTF-8.
 */
export function decodeGoKitInstance(node: InstanceNode): ServiceInstance {
  const plain = parsePlainHttpUrl(node.data);
  if (plain) return goKitInstance(node, plain.hostname, plain.port, plain.url);
  if (node.data.length === 0) throw new InstanceDecodeError(node.path, 'the node has no data');
  let text: string;
  try {
    text = utf8.decode(node.data).trim();
  } catch {
    throw new InstanceDecodeError(node.path, 'its data is not UTF-8 text');
  }
  if (text === '') throw new InstanceDecodeError(node.path, 'its data is blank');
  const url = parseBaseUrl(text);
  if (!url) return goKitInstance(node, '', undefined, undefined);
  return goKitInstance(
    node,
    url.hostname.replace(/^\[|\]$/g, ''),
    portOf(url),
    text.replace(/\/+$/, ''),
  );
}

function goKitInstance(
  node: InstanceNode,
  address: string,
  port: number | undefined,
  url: string | undefined,
): ServiceInstance {
  return {
    id: node.name,
    path: node.path,
    address,
    port,
    url,
    metadata: {},
    raw: node.data,
    format: 'gokit',
  };
}

/**
 * go-kit's layout: persistent parents, and one protected ephemeral-sequential child
 * `servicePath/_c_<32 hex guid>-<10 digit seq>` (no duplicate is left behind when the connection
 * drops during the create). The parents are created only when the create finds them missing.
 */
export const goKitNodeFormat: InstanceNodeFormat = Object.freeze({
  format: 'gokit' as const,
  async createNode(client, servicePath, data, acls) {
    // One request when the service node exists (the usual case): the create itself.
    try {
      return await client.createProtectedEphemeralSequential(servicePath, data, acls.node);
    } catch (error) {
      if (!(error instanceof ZkNoNodeError)) throw error;
    }
    await client.ensurePath(servicePath, 'persistent', acls.parents);
    return client.createProtectedEphemeralSequential(servicePath, data, acls.node);
  },
  replacement(servicePath, data, acls) {
    const prefix = protectedNodePrefix();
    return {
      create: {
        type: 'create',
        path: childPath(servicePath, prefix),
        data,
        mode: 'ephemeral-sequential',
        acl: acls.node,
      },
      async findCreated(client) {
        const ours = (await client.getChildren(servicePath)).find((name) =>
          name.startsWith(prefix),
        );
        return ours && childPath(servicePath, ours);
      },
    };
  },
} satisfies InstanceNodeFormat);

/** `text` as an absolute URL with a host, or undefined. */
export function parseBaseUrl(text: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return undefined;
  try {
    const url = new URL(text);
    return url.hostname ? url : undefined;
  } catch {
    return undefined;
  }
}

const defaultPorts: Record<string, number> = { 'http:': 80, 'https:': 443 };

function portOf(url: URL): number | undefined {
  return url.port ? Number(url.port) : defaultPorts[url.protocol];
}
