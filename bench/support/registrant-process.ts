/**
 * The registering app of the propagation benchmarks, in a process of its own as it would be in
 * production: `Registrar.register()` / `deregister()` for the library (a client per transport,
 * each request naming its transport), a bare create / delete for the floors and for Curator's
 * instance nodes. Each answer carries
 * the time the operation resolved, on this process's clock.
 * `node registrant-process.js <servers>`, driven over IPC.
 */

import { randomBytes } from 'node:crypto';
import type { ZkClient } from '../../lib/client/zk-client.js';
import type { ZkTransport } from '../../lib/client/zk-client.options.js';
import { Registrar } from '../../lib/sd/registrar/registrar.js';
import { Bare, BareZk } from './bare-zk.js';
import { connectClient, silent, TRANSPORTS } from './lib-parts.js';
import type { RegistrantAnswer, RegistrantRequest } from './registrant-messages.js';

const now = () => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const servers = process.argv[2];
  if (!servers || !process.send) throw new Error('usage: forked, registrant-process.js <servers>');
  const clients = new Map<ZkTransport, ZkClient>();
  for (const transport of TRANSPORTS)
    clients.set(transport, await connectClient(servers, transport));
  const bare = await BareZk.connect(servers);
  const registrars = new Map<string, Registrar>();
  const fleet = {
    clients: new Map<ZkTransport, ZkClient[]>(TRANSPORTS.map((transport) => [transport, []])),
    bare: [] as BareZk[],
  };
  let fleetRegistered: (() => Promise<unknown>)[] = [];
  const answer = (message: RegistrantAnswer) => process.send?.(message);
  const handle = async (request: RegistrantRequest): Promise<RegistrantAnswer> => {
    const started = now();
    switch (request.op) {
      case 'clock':
        return { id: request.id, started, at: now() };
      case 'register': {
        const registrar = new Registrar(
          clients.get(request.transport)!,
          { path: request.path, name: request.name, data: request.data },
          { logger: silent },
        );
        const node = await registrar.register();
        const at = now();
        registrars.set(node, registrar);
        return { id: request.id, started, at, node };
      }
      case 'deregister': {
        const registrar = registrars.get(request.node);
        if (!registrar) throw new Error(`not registered here: ${request.node}`);
        await registrar.deregister();
        const at = now();
        registrar.close();
        registrars.delete(request.node);
        return { id: request.id, started, at };
      }
      case 'create': {
        const node = await bare.create(request.prefix, request.data, Bare.EPHEMERAL_SEQUENTIAL);
        return { id: request.id, started, at: now(), node };
      }
      case 'create-node': {
        const node = await bare.create(request.path, request.data, Bare.EPHEMERAL);
        return { id: request.id, started, at: now(), node };
      }
      case 'delete':
        await bare.delete(request.node);
        return { id: request.id, started, at: now() };
      case 'fleet-open': {
        const times = Array.from({ length: request.count });
        fleet.bare.push(...(await Promise.all(times.map(() => BareZk.connect(servers)))));
        for (const [transport, opened] of fleet.clients) {
          opened.push(...(await Promise.all(times.map(() => connectClient(servers, transport)))));
        }
        return { id: request.id, started, at: now() };
      }
      case 'fleet-register': {
        const { servicePath } = request;
        const slash = servicePath.lastIndexOf('/');
        const service = { path: servicePath.slice(0, slash), name: servicePath.slice(slash + 1) };
        let requests = 0;
        if (request.by === 'bare') {
          const sessions = fleet.bare;
          const nodes = await Promise.all(
            sessions.map((session, i) =>
              session.create(
                `${servicePath}/_c_${randomBytes(16).toString('hex')}-`,
                `http://127.0.0.1:${30_000 + i}`,
                Bare.EPHEMERAL_SEQUENTIAL,
              ),
            ),
          );
          fleetRegistered = nodes.map((node, i) => () => sessions[i]!.delete(node));
          requests = sessions.length; // one create each
        } else {
          const fleetClients = fleet.clients.get(request.by)!;
          const fleetRegistrars = fleetClients.map(
            (c, i) =>
              new Registrar(
                c,
                { ...service, data: `http://127.0.0.1:${30_000 + i}` },
                { logger: silent },
              ),
          );
          const sent = () => fleetClients.reduce((sum, c) => sum + c.requestCounts.total, 0);
          const before = sent();
          await Promise.all(fleetRegistrars.map((registrar) => registrar.register()));
          requests = sent() - before;
          fleetRegistered = fleetRegistrars.map((registrar) => async () => {
            await registrar.deregister();
            registrar.close();
          });
        }
        return { id: request.id, started, at: now(), requests };
      }
      case 'fleet-deregister':
        await Promise.all(fleetRegistered.map((deregister) => deregister()));
        fleetRegistered = [];
        return { id: request.id, started, at: now() };
    }
  };
  process.on('message', (request: RegistrantRequest) => {
    handle(request).then(answer, (error: unknown) =>
      answer({ id: request.id, started: now(), at: now(), error: String(error) }),
    );
  });
  process.on('disconnect', () => {
    bare.close();
    for (const session of fleet.bare) session.close();
    const all = [...clients.values(), ...[...fleet.clients.values()].flat()];
    void Promise.all(all.map((c) => c.close())).then(() => process.exit(0));
  });
  answer({ id: 0, started: now(), at: now() });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
