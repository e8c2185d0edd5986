export { ZkError, type ZkOperation } from './errors/zk.error.js';
export {
  ZkConnectError,
  type ZkConnectFailure,
  ZkConnectionRefusedError,
  ZkHostNotFoundError,
} from './errors/zk-connect.error.js';
export * from './errors/zk-operation.errors.js';
export { ZkProtocolError } from './errors/zk-protocol.error.js';
export type { Unsubscribe } from './listeners.js';
export { checkNumber, checkTimerMs, MAX_TIMER_MS } from './option-checks.js';
export { PROTECTED_PREFIX } from './protected-nodes.js';
export { ZkAcls } from './zk-acls.js';
export { ZkClient } from './zk-client.js';
export {
  ZK_CLIENT_DEFAULTS,
  ZK_TRANSPORT_ENV,
  type ZkAuth,
  type ZkClientOptions,
  type ZkLogger,
  type ZkTlsOptions,
  type ZkTransport,
} from './zk-client.options.js';
export type * from './zk-client.types.js';
export { type ZkAclEntry, ZkPerm, type ZkStat } from './zk-codes.js';
export type { ZkCreated } from './zk-handle.js';
export { consoleLogger, silentLogger } from './zk-logger.js';
export { ZkMultiError } from './zk-multi.js';
export type { ZkServerDiagnosis, ZkServerProblem } from './zk-server-diagnosis.js';
