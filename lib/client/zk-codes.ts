/**
 * ZooKeeper's numbers, transport-neutral: the error codes of its wire protocol (which the C client
 * uses as its return codes too), the create modes, the ACL permission bits and the session states
 * of a watcher event. Both transports speak these.
 */

/** Error codes (`KeeperException.Code`), plus the C client's own `CLOSING` and `INVALIDSTATE`. */
export const ZkCodes = {
  OK: 0,
  SYSTEMERROR: -1,
  RUNTIMEINCONSISTENCY: -2,
  DATAINCONSISTENCY: -3,
  CONNECTIONLOSS: -4,
  MARSHALLINGERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATIONTIMEOUT: -7,
  BADARGUMENTS: -8,
  INVALIDSTATE: -9,
  UNKNOWNSESSION: -12,
  NEWCONFIGNOQUORUM: -13,
  RECONFIGINPROGRESS: -14,
  APIERROR: -100,
  NONODE: -101,
  NOAUTH: -102,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
  INVALIDCALLBACK: -113,
  INVALIDACL: -114,
  AUTHFAILED: -115,
  CLOSING: -116,
  NOTHING: -117,
  SESSIONMOVED: -118,
  NOTREADONLY: -119,
  EPHEMERALONLOCALSESSION: -120,
  NOWATCHER: -121,
  REQUESTTIMEOUT: -122,
  RECONFIGDISABLED: -123,
  SESSIONCLOSEDREQUIRESASL: -124,
  QUOTAEXCEEDED: -125,
  THROTTLEDOP: -127,
} as const;

/** Names of the codes (`ZNONODE`...), for messages. */
export const zkCodeNames: ReadonlyMap<number, string> = new Map(
  Object.entries(ZkCodes).map(([name, code]) => [code, `Z${name}`]),
);

/** Create modes (`CreateMode`'s wire flags). */
export const ZkFlags = {
  PERSISTENT: 0,
  EPHEMERAL: 1,
  PERSISTENT_SEQUENTIAL: 2,
  EPHEMERAL_SEQUENTIAL: 3,
  CONTAINER: 4,
  PERSISTENT_WITH_TTL: 5,
  PERSISTENT_SEQUENTIAL_WITH_TTL: 6,
} as const;

/** Permission bits for ACL entries. */
export const ZkPerm = {
  READ: 1,
  WRITE: 2,
  CREATE: 4,
  DELETE: 8,
  ADMIN: 16,
  ALL: 31,
} as const;

/** How a handle ended, when it ends on its own (`Watcher.Event.KeeperState`). */
export const ZkSessionStates = {
  EXPIRED: -112,
  AUTH_FAILED: 4,
} as const;

/** A znode's stat. */
export interface ZkStat {
  czxid: number;
  mzxid: number;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  aversion: number;
  /** The owning session's id in hex, or '0' for a node that is not ephemeral. */
  ephemeralOwner: string;
  dataLength: number;
  numChildren: number;
  pzxid: number;
}

/** One ACL entry. `perms` is a bit set of {@link ZkPerm}. */
export interface ZkAclEntry {
  perms: number;
  scheme: string;
  auth: string;
}
