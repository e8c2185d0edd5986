import { createFlags, ttlFor } from './create-flags.js';
import {
  ZkBadVersionError,
  ZkNoAuthError,
  ZkUnsupportedError,
} from './errors/zk-operation.errors.js';
import type { ResolvedZkClientOptions } from './zk-client.options.js';
import type { ZkCreateOptions } from './zk-client.types.js';
import type { ZkAclEntry, ZkStat } from './zk-codes.js';
import type { ZkCreated } from './zk-handle.js';
import type { ZkLogger } from './zk-logger.js';
import type { ZkRequests } from './zk-requests.js';

/**
 * One create, as `ZkClient.createWithStat` documents it: the ACL (the option's, else the
 * client's) goes in the create request on the protocol transport; the native transport cannot
 * send one, so the node is created open and secured right after (`createSecured`).
 */
export function createNode(
  requests: Pick<ZkRequests, 'run'>,
  client: SecuredCreate['client'],
  settings: Pick<ResolvedZkClientOptions, 'transport' | 'acl' | 'logger'>,
  path: string,
  data: Buffer,
  options: ZkCreateOptions,
): Promise<ZkCreated> {
  const mode = options.mode ?? 'persistent';
  const flags = createFlags[mode];
  const acl = options.acl ?? settings.acl;
  let ttl: number | undefined;
  try {
    ttl = ttlFor(mode, options.ttlMs);
  } catch (error) {
    return Promise.reject(error);
  }
  if (ttl !== undefined && settings.transport === 'native')
    return Promise.reject(new ZkUnsupportedError('create', path));
  const send = (node: string, bytes: Buffer, nodeAcl: readonly ZkAclEntry[] | undefined) =>
    requests.run<ZkCreated>('create', node, (zk, done) =>
      zk.create(node, bytes, flags, nodeAcl, ttl, done),
    );
  if (!acl || settings.transport === 'protocol') return send(path, data, acl);
  const createOpen = async (node: string, bytes: Buffer) =>
    (await send(node, bytes, undefined)).path;
  return createSecured({ createOpen, client }, path, data, acl, settings.logger).then(
    (created) => ({ path: created }),
  );
}

/** What `createSecured` needs: a create with the binding's open ACL, and the client. */
export interface SecuredCreate {
  createOpen(path: string, data: Buffer): Promise<string>;
  readonly client: {
    setAcl(path: string, acl: readonly ZkAclEntry[], version?: number): Promise<void>;
    setData(path: string, data: Buffer, version?: number): Promise<ZkStat>;
    delete(path: string): Promise<void>;
  };
}

/**
 * The binding creates every node with an open ACL, and ours follows in a second request: in
 * between anyone may write the node (an unauthenticated client overwrote an instance's URL that
 * way; test/resilience/security.test.ts covers the window). So after the create, our ACL is set
 * expecting ACL version 0, and the data written again expecting data version 0: any change in the
 * window shows as a version mismatch (or a refusal), and the node is deleted and created again
 * (three times at most, then the last error). The data is there from the create, so consumers
 * never see an instance node without its address.
 */
export async function createSecured(
  create: SecuredCreate,
  path: string,
  data: Buffer,
  acl: readonly ZkAclEntry[],
  logger: ZkLogger,
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const created = await create.createOpen(path, data);
    try {
      await create.client.setAcl(created, acl, 0);
      if (data.length > 0) await create.client.setData(created, data, 0);
      return created;
    } catch (error) {
      if (!(error instanceof ZkBadVersionError || error instanceof ZkNoAuthError)) throw error;
      await create.client.delete(created).catch(() => undefined);
      if (attempt >= 3) throw error;
      logger.warn(
        `${created} was changed by another client before its ACL was set (${error.message}); ` +
          'deleted, creating it again',
      );
    }
  }
}
