import { ZkConnectError } from './errors/zk-connect.error.js';
import { ZkClosedError } from './errors/zk-operation.errors.js';
import type { Unsubscribe } from './listeners.js';
import type { ZkTlsOptions } from './zk-client.options.js';
import type { ZkClientState } from './zk-client.types.js';
import type { ZkLogger } from './zk-logger.js';
import type { ZkServerAddress } from './zk-server-address.js';
import { diagnoseServers, noHostResolves } from './zk-server-diagnosis.js';

/**
 * Waiting for a client's first session, and saying why it does not come: the rejection of
 * `ZkClient.connect()` / `waitUntilConnected()`, and the warnings of a client started in the
 * background.
 */

/** How long each server may take to answer when checked by hand. */
const DIAGNOSIS_MS = 1000;
/** The longest pause between two slow-connect warnings. */
const MAX_WARNING_INTERVAL_MS = 60_000;
/**
 * When a client still without a session checks its servers the first time. A refused or
 * unresolvable server fails its first attempt within milliseconds; this says so at once rather
 * than after the connect timeout, and is late enough that a server that is up has answered.
 */
const EARLY_CHECK_MS = 200;
/** Problems that are certain at the first attempt; no answer yet could still become one. */
const CERTAIN_PROBLEMS = new Set(['connection-refused', 'host-not-found', 'unreachable']);

/** What these need of the client. */
export interface ConnectingClient {
  readonly connectString: string;
  /** TLS to the servers, to check them as the client reaches them. */
  readonly tls: ZkTlsOptions | undefined;
  readonly addresses: readonly ZkServerAddress[];
  readonly logger: ZkLogger;
  subscribeState(listener: (state: ZkClientState) => void): Unsubscribe;
  state(): ZkClientState;
}

/**
 * For a client connecting in the background (nothing awaits its first session): warns once it has
 * had no session for `firstAfterMs`, naming the servers and what each does (does not resolve,
 * refuses, no answer...), then again at doubling intervals up to one minute, until the first
 * session; logs when that session comes after a warning. Returns the function that stops it.
 */
export function reportSlowConnect(subject: ConnectingClient, firstAfterMs: number): () => void {
  const startedAt = Date.now();
  let warned = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    stopEarlyCheck?.();
    unsubscribe?.();
  };
  const schedule = (afterMs: number) => {
    timer = setTimeout(() => void check(afterMs), afterMs);
    timer.unref();
  };
  const check = async (lastIntervalMs: number) => {
    const diagnoses = await diagnoseServers(subject.addresses, DIAGNOSIS_MS, subject.tls);
    if (stopped || subject.state() !== 'connecting') return;
    warned = true;
    const seconds = Math.round((Date.now() - startedAt) / 1000);
    subject.logger.warn(
      `No ZooKeeper session after ${seconds} s with "${subject.connectString}" ` +
        `(${diagnoses.map((d) => d.detail).join('; ')}); still trying in the background`,
    );
    schedule(Math.min(lastIntervalMs * 2, MAX_WARNING_INTERVAL_MS));
  };
  const stopEarlyCheck = reportEarlyTrouble(
    subject,
    firstAfterMs,
    'still trying in the background',
  );
  let unsubscribe: Unsubscribe | undefined;
  unsubscribe = subject.subscribeState((state) => {
    if (state === 'closed') stop();
    if (state !== 'connected') return;
    if (warned) {
      const seconds = Math.round((Date.now() - startedAt) / 1000);
      subject.logger.log(`ZooKeeper session established after ${seconds} s of trying`);
    }
    stop();
  });
  if (stopped) unsubscribe();
  else schedule(firstAfterMs);
  return stop;
}

/**
 * Warns once, soon after the client started, when every server fails in a way that is already
 * certain (nothing listens, the host does not resolve, no route), saying what each did and
 * `then` (what the client does next). Silent when any server could still grant a session, and
 * when the full report (`reportAtMs`) comes within about a second anyway. Returns the function
 * that cancels the check.
 */
function reportEarlyTrouble(
  subject: ConnectingClient,
  reportAtMs: number,
  then: string,
): () => void {
  if (reportAtMs < EARLY_CHECK_MS + DIAGNOSIS_MS) return () => {};
  let cancelled = false;
  const timer = setTimeout(async () => {
    if (subject.state() !== 'connecting') return;
    const diagnoses = await diagnoseServers(subject.addresses, DIAGNOSIS_MS, subject.tls);
    const certain = diagnoses.every((d) => d.problem && CERTAIN_PROBLEMS.has(d.problem));
    if (cancelled || !certain || subject.state() !== 'connecting') return;
    subject.logger.warn(
      `Cannot reach ZooKeeper at "${subject.connectString}": ` +
        `${diagnoses.map((d) => d.detail).join('; ')}; ${then}`,
    );
  }, EARLY_CHECK_MS);
  timer.unref();
  return () => {
    cancelled = true;
    clearTimeout(timer);
  };
}

/**
 * Resolves once `client` is connected. Rejects with the `ZkConnectError` that says most about the
 * servers after `timeoutMs` plus at most `DIAGNOSIS_MS` to check them, at once when no host
 * resolves (waiting will not make it resolve), and with `ZkClosedError` if the client closes.
 */
export function waitForSession(client: ConnectingClient, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let unsubscribe: Unsubscribe | undefined;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopEarlyCheck();
      unsubscribe?.();
      if (error) reject(error);
      else resolve();
    };
    const failWithDiagnosis = async () => {
      const diagnoses = await diagnoseServers(client.addresses, DIAGNOSIS_MS, client.tls);
      if (client.state() === 'connected') settle();
      else settle(ZkConnectError.from(client.connectString, timeoutMs, diagnoses));
    };
    const timer = setTimeout(() => void failWithDiagnosis(), timeoutMs);
    const stopEarlyCheck = reportEarlyTrouble(
      client,
      timeoutMs,
      `still trying until the connect timeout (${timeoutMs} ms)`,
    );
    unsubscribe = client.subscribeState((state) => {
      if (state === 'connected') settle();
      else if (state === 'closed') settle(new ZkClosedError('connect', ''));
    });
    if (settled) unsubscribe();
    void noHostResolves(client.addresses).then((none) => {
      if (none && !settled) void failWithDiagnosis();
    });
  });
}
