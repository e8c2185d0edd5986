import { connectCli, toCliError } from './cli-client.js';
import { noSuchPath } from './cli-errors.js';
import type { CliIo } from './cli-io.js';
import type { GlobalOptions } from './cli-options.js';
import { displayId, endpointOf, formatAge, type ListedService, traitsOf } from './instance-view.js';
import { listServices } from './registry-listing.js';
import { textTable } from './text-table.js';

/** Options of `ls`. */
export interface LsOptions {
  /** How many levels below the path are searched for services. */
  readonly depth: number;
}

/**
 * `ls [path]`: the services under `path` and their instances, as a table or (`--json`) one JSON
 * document `{ path, servers, services: [{ path, instances, skipped }] }`.
 * @throws CliError: no such path (exit 1), ZooKeeper unreachable (exit 2).
 */
export async function lsCommand(
  path: string,
  options: LsOptions,
  global: GlobalOptions,
  io: CliIo,
): Promise<void> {
  const client = await connectCli(global);
  try {
    const services = await listServices(client, path, options.depth);
    if (!services) {
      throw noSuchPath(
        path,
        global.servers,
        'List its parent to see what exists (zk-discovery ls /), or check --servers.',
      );
    }
    if (global.json) {
      io.stdout(`${JSON.stringify({ path, servers: global.servers, services }, null, 2)}\n`);
    } else if (services.length === 0) {
      io.stderr(`zk-discovery: no services under ${path}\n`);
    } else {
      io.stdout(servicesTable(services));
      // Why a node could not be read is a message, not data: stderr, one line each.
      for (const service of services) {
        for (const node of service.skipped) io.stderr(`zk-discovery: ${node.reason}\n`);
      }
    }
  } catch (error) {
    throw toCliError(error, global);
  } finally {
    await client.close();
  }
}

const HEADER = [
  'SERVICE',
  'INSTANCE',
  'FORMAT',
  'ADDRESS:PORT',
  'STATUS',
  'AGE',
  'SESSION',
  'TRAITS',
];

function servicesTable(services: readonly ListedService[]): string {
  const rows: string[][] = [];
  for (const service of services) {
    for (const instance of service.instances) {
      rows.push([
        service.path,
        displayId(instance.id),
        instance.format ?? '-',
        endpointOf(instance),
        instance.status ?? '-',
        formatAge(instance.ageMs),
        instance.sessionOwner,
        traitsOf(instance) || '-',
      ]);
    }
    for (const node of service.skipped) {
      rows.push([service.path, displayId(node.id), '?', '-', 'skipped', '-', '-', '-']);
    }
    if (service.instances.length === 0 && service.skipped.length === 0) {
      rows.push([service.path, '(no instances)', '-', '-', '-', '-', '-', '-']);
    }
  }
  return textTable(HEADER, rows);
}
