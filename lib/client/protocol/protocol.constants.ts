/** Operation codes of ZooKeeper's wire protocol (`ZooDefs.OpCode`) that this client sends. */
export const OpCode = {
  notification: 0,
  create: 1,
  delete: 2,
  exists: 3,
  getData: 4,
  setData: 5,
  getACL: 6,
  setACL: 7,
  getChildren: 8,
  sync: 9,
  ping: 11,
  getChildren2: 12,
  check: 13,
  multi: 14,
  create2: 15,
  removeWatches: 18,
  createContainer: 19,
  createTTL: 21,
  auth: 100,
  setWatches: 101,
  getEphemerals: 103,
  setWatches2: 105,
  addWatch: 106,
  whoAmI: 107,
  closeSession: -11,
  error: -1,
} as const;

/** Reserved xids: server notifications, pings, auth packets and SetWatches. */
export const Xid = {
  notification: -1,
  ping: -2,
  auth: -4,
  setWatches: -8,
} as const;

/** Watcher event types (`Watcher.Event.EventType`). */
export const EventType = {
  none: -1,
  nodeCreated: 1,
  nodeDeleted: 2,
  nodeDataChanged: 3,
  nodeChildrenChanged: 4,
  dataWatchRemoved: 5,
  childWatchRemoved: 6,
  persistentWatchRemoved: 7,
} as const;

/** `AddWatchMode`. */
export const AddWatchMode = { persistent: 0, persistentRecursive: 1 } as const;

/** `Watcher.WatcherType`, for removeWatches. */
export const WatcherType = {
  children: 1,
  data: 2,
  any: 3,
  persistent: 4,
  persistentRecursive: 5,
} as const;

/** The largest frame a ZooKeeper server accepts or sends by default (`jute.maxbuffer`, 1 MiB). */
export const DEFAULT_MAX_FRAME_BYTES = 0xfffff;

/** Sixteen zero bytes: the password of a session not established yet. */
export const NO_PASSWORD = Buffer.alloc(16);
