import { afterAll, describe, expect, inject, it } from 'vitest';
import { type ServiceApp, startConsumerApp, startServiceApp } from '../support/nest-apps.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const servers = inject('zkConnect');
// The scenario (scenarios/resilience) runs 200 requests/s for 30 s with child processes and a
// SIGKILL variant; this is the short in-process version for every test run.
const REQUESTS_PER_SECOND = 200;

describe('rolling restart of three instances under steady load', () => {
  const root = uniqueRoot();
  const services: ServiceApp[] = [];
  let consumer: Awaited<ReturnType<typeof startConsumerApp>> | undefined;
  afterAll(async () => {
    await consumer?.app.close();
    for (const service of services) await service.app.close();
  });

  const start = (name: string) =>
    startServiceApp({
      servers,
      path: root,
      name: 'svc',
      instanceName: name,
      registration: { drainDelayMs: 300 },
    });

  it('zero failed requests through roundRobin + retry while every instance is replaced', async () => {
    for (const name of ['R1', 'R2', 'R3']) services.push(await start(name));
    consumer = await startConsumerApp(servers, `${root}/svc`);
    const endpointer = consumer.endpointer;
    await waitFor(() => endpointer.endpoints().length === 3);

    let running = true;
    let sent = 0;
    const failures: unknown[] = [];
    const answeredBy = new Set<string>();
    const inFlight = new Set<Promise<void>>();
    const load = (async () => {
      const started = performance.now();
      while (running) {
        const call = endpointer
          .call((endpoint, { signal }) => endpoint.json<{ name: string }>('/whoami', { signal }))
          .then((answer) => void answeredBy.add(answer.name))
          .catch((error: unknown) => void failures.push(error))
          .finally(() => inFlight.delete(call));
        inFlight.add(call);
        sent++;
        // Pace to the target rate (an open loop: calls do not wait for each other).
        const due = started + (sent * 1000) / REQUESTS_PER_SECOND;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      }
    })();

    for (const [index, name] of ['R1b', 'R2b', 'R3b'].entries()) {
      const old = services[index]!;
      const replacement = await start(name);
      await waitFor(() => endpointer.instances().some((i) => i.port === replacement.port));
      await old.app.close();
      services[index] = replacement;
      await waitFor(() => !endpointer.instances().some((i) => i.port === old.port));
    }
    await waitFor(() => answeredBy.has('R1b') && answeredBy.has('R2b') && answeredBy.has('R3b'));
    running = false;
    await load;
    await Promise.all(inFlight);

    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(50);
    expect(
      endpointer
        .instances()
        .map((i) => i.port)
        .sort(),
    ).toEqual(services.map((s) => s.port).sort());
  });
});
