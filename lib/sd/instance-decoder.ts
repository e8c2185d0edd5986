import { InstanceDecodeError } from './errors/instance-decode.error.js';
import type { ServiceInstance } from './service-instance.js';

/** A child node as read from ZooKeeper. */
export interface InstanceNode {
  /** The child's name (its instance id). */
  readonly name: string;
  /** The child's full path. */
  readonly path: string;
  readonly data: Buffer;
}

/** Turns a node into an instance, or throws `InstanceDecodeError` saying why it cannot. */
export type InstanceDecoder = (node: InstanceNode) => ServiceInstance;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * go-kit's format: the data is raw bytes, conventionally a URL (`http://10.0.0.5:8080`). Any
 * non-empty UTF-8 text is an instance; a URL also gives `url`, `address` and `port`.
 */
export const decodeGoKitInstance: InstanceDecoder = (node) => {
  if (node.data.length === 0) throw new InstanceDecodeError(node.path, 'the node has no data');
  let text: string;
  try {
    text = utf8.decode(node.data).trim();
  } catch {
    throw new InstanceDecodeError(node.path, 'its data is not UTF-8 text');
  }
  if (text === '') throw new InstanceDecodeError(node.path, 'its data is blank');
  const url = parseBaseUrl(text);
  return {
    id: node.name,
    path: node.path,
    address: url ? url.hostname.replace(/^\[|\]$/g, '') : '',
    port: url ? portOf(url) : undefined,
    url: url ? text.replace(/\/+$/, '') : undefined,
    metadata: {},
    raw: node.data,
  };
};

function parseBaseUrl(text: string): URL | undefined {
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
