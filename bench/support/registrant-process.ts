/**
 * The registering app of the propagation benchmarks, in a process of its own as it would be in
 * production: `Registrar.register()` / `deregister()` for the library, a bare create / delete for
 * the floor. Each answer carries the time the operation resolved, on this process's clock.
 * `node registrant-process.js <servers>`, driven over IPC.
 */

import { randomBytes } from 'node:crypto';
import type { ZkClient } from '../../lib/client/zk-client.js';
import { Registrar } from '../../lib/sd/registrar.js';
import { Bare, BareZk } from './bare-zk.js';
import { connectClient, silent } from './lib-parts.js';
import type { RegistrantAnswer, RegistrantRequest } from './registrant-messages.js';

const now = () => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const servers = process.argv[2];
  if (!servers || !process.send) throw new Error('usage: forked, registrant-process.js <servers>');
  const client: ZkClient = await connectClient(servers);
  const bare = await BareZk.connect(servers);
  const registrars = new Map<string, Registrar>();
  const fleet: { clients: ZkClient[]; bare: BareZk[] } = { clients: [], bare: [] };
  let fleetRegistered: (() => Promise<unknown>)[] = [];
  const answer = (message: RegistrantAnswer) => process.send?.(message);
  const handle = async (request: RegistrantRequest): Promise<RegistrantAnswer> => {
    const started = now();
    switch (request.op) {
      case 'clock':
        return { id: request.id, started, at: now() };
      case 'register': {
        const registrar = new Registrar(
          client,
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
      case 'delete':
        await bare.delete(request.node);
        return { id: request.id, started, at: now() };
      case 'fleet-open': {
        const opened = await Promise.all(
          Array.from({ length: request.count }, () =>
            Promise.all([connectClient(servers), BareZk.connect(servers)]),
          ),
        );
        for (const [c, b] of opened) {
          fleet.clients.push(c);
          fleet.bare.push(b);
        }
        return { id: request.id, started, at: now() };
      }
      case 'fleet-register': {
        const { servicePath } = request;
        const slash = servicePath.lastIndexOf('/');
        const service = { path: servicePath.slice(0, slash), name: servicePath.slice(slash + 1) };
        let requests = 0;
        if (request.bare) {
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
          const fleetRegistrars = fleet.clients.map(
            (c, i) =>
              new Registrar(
                c,
                { ...service, data: `http://127.0.0.1:${30_000 + i}` },
                { logger: silent },
              ),
          );
          const sent = () => fleet.clients.reduce((sum, c) => sum + c.requestCounts.total, 0);
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
    void Promise.all([client, ...fleet.clients].map((c) => c.close())).then(() => process.exit(0));
  });
  answer({ id: 0, started: now(), at: now() });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
