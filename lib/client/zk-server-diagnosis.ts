import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { openAndCloseSession } from './serving-probe.js';
import type { ZkTlsOptions } from './zk-client.options.js';
import type { ZkServerAddress } from './zk-server-address.js';
import type { ZkServerDiagnosis, ZkServerProblem } from './zk-server-diagnosis.types.js';

export type { ZkServerDiagnosis, ZkServerProblem } from './zk-server-diagnosis.types.js';

/**
 * Checks each server the way a client would reach it: resolve the host, open a TCP connection,
 * ask for a session (closed again at once). All servers at once, each bounded by `timeoutMs`.
 * This is what connect errors and slow-connect warnings say, instead of a bare timeout.
 */
export function diagnoseServers(
  servers: readonly ZkServerAddress[],
  timeoutMs: number,
  tls?: ZkTlsOptions,
): Promise<ZkServerDiagnosis[]> {
  return Promise.all(servers.map((server) => diagnoseServer(server, timeoutMs, tls)));
}

/** True when the host part of every server fails to resolve for good (not a DNS hiccup). */
export async function noHostResolves(servers: readonly ZkServerAddress[]): Promise<boolean> {
  const results = await Promise.all(servers.map(({ host }) => resolutionError(host)));
  return results.every((code) => code === 'ENOTFOUND');
}

async function diagnoseServer(
  address: ZkServerAddress,
  timeoutMs: number,
  tls: ZkTlsOptions | undefined,
): Promise<ZkServerDiagnosis> {
  const server = `${isIP(address.host) === 6 ? `[${address.host}]` : address.host}:${address.port}`;
  const dnsError = await resolutionError(address.host);
  if (dnsError) {
    return {
      server,
      problem: 'host-not-found',
      detail: `${address.host} does not resolve (${dnsError})`,
    };
  }
  try {
    await openAndCloseSession(address, timeoutMs, tls);
    return { server, problem: undefined, detail: `${server} grants sessions` };
  } catch (error) {
    return { server, ...classify(error as NodeJS.ErrnoException, server, timeoutMs) };
  }
}

/** The DNS error code of `host` (`ENOTFOUND`, `EAI_AGAIN`, ...), or undefined when it resolves. */
async function resolutionError(host: string): Promise<string | undefined> {
  if (isIP(host)) return undefined;
  try {
    await lookup(host);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'ENOTFOUND';
  }
}

function classify(
  error: NodeJS.ErrnoException,
  server: string,
  timeoutMs: number,
): Pick<ZkServerDiagnosis, 'problem' | 'detail'> {
  if (error.code === 'ECONNREFUSED') {
    return {
      problem: 'connection-refused',
      detail: `${server} refused the connection (nothing listens there)`,
    };
  }
  if (error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH') {
    return { problem: 'unreachable', detail: `no route to ${server} (${error.code})` };
  }
  // The TCP connect timing out, or the probe's own deadline (connected, then no answer).
  if (error.code === 'ETIMEDOUT' || /no answer .* within/.test(error.message)) {
    return { problem: 'no-answer', detail: `no answer from ${server} within ${timeoutMs} ms` };
  }
  return {
    problem: 'no-session',
    detail: `${server} accepts connections but granted no session (${error.message})`,
  };
}
