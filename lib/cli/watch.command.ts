import type { ZkLogger } from '../client/zk-client.options.js';
import { Instancer } from '../sd/instancer/instancer.js';
import type { InstancerSnapshot, ServiceInstance } from '../sd/service-instance.js';
import { connectCli, toCliError } from './cli-client.js';
import { cliDecoder } from './cli-decoder.js';
import { noSuchPath } from './cli-errors.js';
import type { CliIo } from './cli-io.js';
import type { GlobalOptions } from './cli-options.js';
import {
  displayId,
  endpointOf,
  type InstanceView,
  instanceView,
  type SkippedNode,
  traitsOf,
} from './instance-view.js';

/** Options of `watch`. */
export interface WatchOptions {
  /** Wait for a missing path to appear instead of failing. */
  readonly wait: boolean;
}

/** What happened to an instance: there at the start, joined, left, or its data changed. */
export type WatchEventKind = 'present' | 'join' | 'leave' | 'change';

/** One line of `watch --json` (NDJSON): an instance event, or a node that cannot be shown. */
export type WatchEvent =
  | {
      readonly time: string;
      readonly event: WatchEventKind;
      readonly service: string;
      readonly instance: InstanceView;
    }
  | {
      readonly time: string;
      readonly event: 'skipped';
      readonly service: string;
      readonly node: SkippedNode;
    };

/**
 * `watch <path>`: streams the instances of `path` as they join, leave and change, through an
 * `Instancer` (so it survives disconnects and session expiries), until `io.signal` aborts. The
 * instances there at the start come first as `present`. Stale and recovered states are reported
 * on stderr.
 * @throws CliError: no such path without `--wait` (exit 1), ZooKeeper unreachable (exit 2).
 */
export async function watchCommand(
  path: string,
  options: WatchOptions,
  global: GlobalOptions,
  io: CliIo,
): Promise<void> {
  const messages: ZkLogger = {
    log: (message) => io.stderr(`zk-discovery: ${message}\n`),
    warn: (message) => io.stderr(`zk-discovery: ${message}\n`),
    error: (message) => io.stderr(`zk-discovery: ${message}\n`),
  };
  const client = await connectCli(global, { ...messages, log: () => {} });
  let instancer: Instancer | undefined;
  try {
    if (!(await client.exists(path))) {
      if (!options.wait) {
        throw noSuchPath(path, global.servers, 'Pass --wait to watch it until it appears.');
      }
      io.stderr(`zk-discovery: ${path} does not exist yet; waiting for it\n`);
    }
    if (io.signal?.aborted) return;
    const print = printer(path, global.json, io);
    instancer = new Instancer(client, path, {
      decode: cliDecoder(skippedOnce(print.skipped)),
      // The skipped nodes are events of their own on stdout; other warnings go to stderr.
      logger: { ...messages, warn: (message) => isSkipLine(message) || messages.warn(message) },
    });
    let previous: ReadonlyMap<string, ServiceInstance> | undefined;
    instancer.subscribe((snapshot: InstancerSnapshot) => {
      const next = new Map(snapshot.instances.map((instance) => [instance.id, instance]));
      if (!previous) {
        for (const instance of next.values()) print.instance('present', instance);
      } else {
        for (const [id, instance] of previous) if (!next.has(id)) print.instance('leave', instance);
        for (const [id, instance] of next) {
          const before = previous.get(id);
          if (!before) print.instance('join', instance);
          else if (!before.raw.equals(instance.raw)) print.instance('change', instance);
        }
      }
      previous = next;
    });
    await aborted(io.signal);
  } catch (error) {
    throw toCliError(error, global);
  } finally {
    instancer?.close();
    await client.close();
  }
}

interface Printer {
  instance(event: WatchEventKind, instance: ServiceInstance): void;
  skipped(node: SkippedNode): void;
}

function printer(service: string, json: boolean, io: CliIo): Printer {
  const write = (line: WatchEvent, text: string) =>
    io.stdout(
      json ? `${JSON.stringify(line)}\n` : `${line.time}  ${line.event.padEnd(7)}  ${text}\n`,
    );
  return {
    instance: (event, instance) => {
      const view = instanceView(instance);
      const status = view.status ? `  ${view.status}` : '';
      const traits = traitsOf(view);
      write(
        { time: new Date().toISOString(), event, service, instance: view },
        `${displayId(view.id)}  ${view.format ?? '-'}  ${endpointOf(view)}${status}${traits ? `  ${traits}` : ''}`,
      );
    },
    skipped: (node) =>
      write(
        { time: new Date().toISOString(), event: 'skipped', service, node },
        `${displayId(node.id)}  ${node.reason}`,
      ),
  };
}

/** Calls `report` once per node and reason (the instancer decodes a node again on every read). */
function skippedOnce(report: (node: SkippedNode) => void): (node: SkippedNode) => void {
  const seen = new Map<string, string>();
  return (node) => {
    if (seen.get(node.path) === node.reason) return;
    seen.set(node.path, node.reason);
    report(node);
  };
}

/** The instancer's own line about a node it skipped (already an event on stdout). */
function isSkipLine(message: string): boolean {
  return /^Instance node \S+ skipped: /.test(message);
}

/** Resolves when `signal` aborts (never without one). */
function aborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
}
