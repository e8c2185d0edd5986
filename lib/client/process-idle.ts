import { zookeeperSockets } from './owned-sockets.js';

/** How often to look, and how many idle looks in a row mean idle (no transient gaps). */
const LOOK_EVERY_MS = 500;
const IDLE_LOOKS = 2;

/**
 * Calls `onIdle` once nothing but ZooKeeper keeps the event loop alive: no server, socket (but the
 * protocol transport's own), child process, pending timer or file operation of Node's own, and
 * `busy()` (the client's requests waiting for an answer, whose deadlines share an unref'd timer)
 * is false. An open session would otherwise keep a process alive for ever (an app whose
 * `listen()` failed, a script that forgot `close()`): the native client's handles cannot be
 * unref'd, and an unref'd socket would let the process exit without closing the session. Watches
 * itself with an unref'd timer. Returns the function that stops watching.
 */
export function whenOnlyZooKeeperRemains(onIdle: () => void, busy: () => boolean): () => void {
  let idleLooks = 0;
  const timer = setInterval(() => {
    idleLooks = busy() || nodeKeepsLoopAlive() ? 0 : idleLooks + 1;
    if (idleLooks < IDLE_LOOKS) return;
    clearInterval(timer);
    onIdle();
  }, LOOK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

interface ProcessInternals {
  _getActiveHandles?(): unknown[];
}

/**
 * Whether any of Node's own resources would keep the process running. `getActiveResourcesInfo()`
 * also lists the stdio pipes, which are ref'd but never keep a process alive unless stdin is being
 * read: those are left out.
 */
function nodeKeepsLoopAlive(): boolean {
  const resources = process.getActiveResourcesInfo().length;
  const handles = (process as ProcessInternals)._getActiveHandles?.() ?? [];
  return resources - handles.filter((handle) => isIdleStdio(handle) || isOurs(handle)).length > 0;
}

function isOurs(handle: unknown): boolean {
  return typeof handle === 'object' && handle !== null && zookeeperSockets.has(handle);
}

function isIdleStdio(handle: unknown): boolean {
  const wrap = (handle as { _handle?: { fd?: number; reading?: boolean } } | null)?._handle;
  if (wrap?.fd === 1 || wrap?.fd === 2) return true;
  return wrap?.fd === 0 && wrap.reading !== true;
}
