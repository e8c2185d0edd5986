/**
 * Sockets of the protocol transport that must not keep the process alive on their own (the
 * `keepProcessAlive: false` default): the idle check (`process-idle.ts`) leaves them out, and
 * closes the client once nothing else is left, as it does for the native client's handles.
 */
export const zookeeperSockets = new WeakSet<object>();
