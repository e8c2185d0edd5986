import type { experimental } from '@grpc/grpc-js';
import { InvalidServiceError, validateZnodePath } from '../sd/index.js';
import { InvalidZkTargetError } from './errors/invalid-zk-target.error.js';

/** The URI scheme of ZooKeeper targets. */
export const ZK_SCHEME = 'zk';

/** What a `zk:` target names: the service's path, and the ensemble when it names one. */
export interface ZkTarget {
  /** The target as given, for messages. */
  readonly text: string;
  /** The connect string of the authority (`zk://<servers>/path`); undefined for the default client. */
  readonly servers: string | undefined;
  /** The absolute znode path whose children are the instances. */
  readonly path: string;
}

/**
 * Reads `zk:///services/hello/grpc` (default client) or
 * `zk://10.0.0.1:2181,10.0.0.2:2181/services/hello/grpc` (a client of its own).
 * @throws InvalidZkTargetError naming what is wrong.
 */
export function parseZkTarget(uri: experimental.GrpcUri): ZkTarget {
  const text = targetText(uri);
  if (uri.scheme !== ZK_SCHEME) {
    throw new InvalidZkTargetError(text, `its scheme is not "${ZK_SCHEME}"`);
  }
  const authority = uri.authority ?? '';
  if (/[?#]/.test(uri.path)) {
    throw new InvalidZkTargetError(text, 'a zk: target takes no query or fragment');
  }
  if (authority.includes('@')) {
    throw new InvalidZkTargetError(
      text,
      'its authority holds credentials; give ZooKeeper credentials through the client (auth)',
    );
  }
  if (uri.authority === undefined && uri.path.startsWith('//')) {
    throw new InvalidZkTargetError(text, 'it names no service path after its servers');
  }
  const raw = uri.authority === undefined ? uri.path : `/${uri.path}`;
  let path: string;
  try {
    path = validateZnodePath(raw.startsWith('/') ? raw : `/${raw}`, 'service path');
  } catch (error) {
    if (!(error instanceof InvalidServiceError)) throw error;
    throw new InvalidZkTargetError(
      text,
      error.message
        .replace(/^Invalid service path/, 'its path')
        .replace(/\.? Use an absolute.*$/, ''),
    );
  }
  if (path === '/') {
    throw new InvalidZkTargetError(text, 'it names no service path');
  }
  return { text, servers: authority === '' ? undefined : authority, path };
}

function targetText(uri: experimental.GrpcUri): string {
  const scheme = uri.scheme === undefined ? '' : `${uri.scheme}:`;
  const authority = uri.authority === undefined ? '' : `//${uri.authority}/`;
  return `${scheme}${authority}${uri.path}`;
}
