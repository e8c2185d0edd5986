import { type ZkAclEntry, ZkPerm } from './zk-codes.js';

/** Ready-made ACLs for the `acl` option. */
export const ZkAcls = {
  /** Anyone may do anything (ZooKeeper's OPEN_ACL_UNSAFE): the default. */
  open(): ZkAclEntry[] {
    return [{ perms: ZkPerm.ALL, scheme: 'world', auth: 'anyone' }];
  },
  /**
   * The authenticated creator may do anything, everyone else may only read: other clients can
   * discover our instances but cannot overwrite or delete them. Needs `auth` credentials.
   */
  creatorAllWorldRead(): ZkAclEntry[] {
    return [
      { perms: ZkPerm.ALL, scheme: 'auth', auth: '' },
      { perms: ZkPerm.READ, scheme: 'world', auth: 'anyone' },
    ];
  },
  /**
   * For shared parent nodes (`/services/hello`): the authenticated creator may do anything,
   * everyone else may read and create children (register), but not delete them (deleting a child
   * needs DELETE on its parent) nor change the parent.
   */
  creatorAllWorldReadCreate(): ZkAclEntry[] {
    return [
      { perms: ZkPerm.ALL, scheme: 'auth', auth: '' },
      { perms: ZkPerm.READ | ZkPerm.CREATE, scheme: 'world', auth: 'anyone' },
    ];
  },
} as const;
