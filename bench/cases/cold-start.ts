import type { ZkClient } from '../../lib/client/zk-client.js';
import type { EndpointFactory } from '../../lib/sd/endpoint-factory.js';
import { httpEndpointFactory } from '../../lib/sd/http/http-endpoint.factory.js';
import type { ServiceInstance } from '../../lib/sd/service-instance.js';
import { ZkEndpointer } from '../../lib/sd/zk-endpointer.js';
import { Bare, type BareCalls, BareZk } from '../support/bare-zk.js';
import { benchPath, registerFleet } from '../support/fleet.js';
import { bytes, count, medianP95, ratio, table } from '../support/format.js';
import { settledHeap } from '../support/heap.js';
import { connectClient, silent } from '../support/lib-parts.js';
import { median, summarize } from '../support/stats.js';
import type { BenchCase } from './bench-case.js';

const INSTANCES = 10_000;
const RUNS = 7;

/** One cold start: how long until every instance was held, and what holding them costs. */
interface ColdStart {
  ms: number;
  heapPerInstance: number;
  externalPerInstance: number;
  requests: number;
}

/**
 * Issue 7, item 3: a new endpointer on a path holding 10,000 instances: time until it holds them
 * all, requests sent, and heap per instance held; against the floor (one get_children, then
 * every get at once, the data kept in a Map).
 */
export const coldStart: BenchCase = {
  name: 'cold-start',
  title: '3. Cold start',
  async run({ zk, log }) {
    const filler = await BareZk.connect(zk.connectString);
    const path = benchPath('cold');
    await registerFleet(filler, path, INSTANCES);
    const http: EndpointFactory<unknown> = httpEndpointFactory();
    const bare: EndpointFactory<unknown> = (instance: ServiceInstance) => ({ endpoint: instance });
    const results = { http: [] as ColdStart[], bare: [] as ColdStart[], floor: [] as ColdStart[] };
    try {
      for (let run = 0; run <= RUNS; run++) {
        log(`run ${run + 1}/${RUNS + 1}${run === 0 ? ' (warm-up, not recorded)' : ''}`);
        const http1 = await ours(zk.connectString, path, http);
        const floor1 = await floorStart(zk.connectString, path);
        const bare1 = await ours(zk.connectString, path, bare);
        if (run === 0) continue;
        results.http.push(http1);
        results.floor.push(floor1);
        results.bare.push(bare1);
      }
    } finally {
      filler.close();
    }
    const floorMedian = median(results.floor.map((r) => r.ms));
    const row = (label: string, runs: ColdStart[]) => {
      const time = summarize(runs.map((r) => r.ms));
      return [
        label,
        medianP95(time),
        ratio(time.median / floorMedian),
        count(median(runs.map((r) => r.requests))),
        bytes(median(runs.map((r) => r.heapPerInstance))),
        bytes(median(runs.map((r) => r.externalPerInstance))),
      ];
    };
    return [
      `A new session and a new endpointer on a path holding ${count(INSTANCES)} instances; ` +
        `${RUNS} runs of each (after one unrecorded), interleaved. Time from creating the ` +
        'endpointer to holding every instance. Memory: `heapUsed` and `external` after a full GC ' +
        '(`--expose-gc`), minus the same before the endpointer was created, per instance held.',
      '',
      table(
        [
          '',
          'time to hold all, p50 / p95 (ms)',
          'vs floor',
          'requests',
          'heap per instance',
          'external per instance',
        ],
        [
          row('`ZkEndpointer`, default HTTP endpoints', results.http),
          row('`ZkEndpointer`, endpoint = the instance', results.bare),
          row('floor: names and data in a `Map`', results.floor),
        ],
      ),
    ].join('\n');
  },
};

async function ours(
  servers: string,
  path: string,
  factory: EndpointFactory<unknown>,
): Promise<ColdStart> {
  const client: ZkClient = await connectClient(servers);
  const before = await settledHeap();
  const requestsBefore = client.requestCounts.total;
  const started = performance.now();
  const endpointer = new ZkEndpointer(client, path, { factory, logger: silent });
  const held = await new Promise<number>((resolve) => {
    endpointer.subscribe(() => {
      if (endpointer.endpoints().length === INSTANCES) resolve(performance.now());
    });
  });
  const requests = client.requestCounts.total - requestsBefore;
  const after = await settledHeap();
  await endpointer.close();
  await client.close();
  return {
    ms: held - started,
    heapPerInstance: (after.heapUsed - before.heapUsed) / INSTANCES,
    externalPerInstance: (after.external - before.external) / INSTANCES,
    requests,
  };
}

async function floorStart(servers: string, path: string): Promise<ColdStart> {
  const session = await BareZk.connect(servers);
  const zk: BareCalls = session.native;
  const before = await settledHeap();
  const started = performance.now();
  const held = new Map<string, Buffer>();
  let requests = 1;
  const done = await new Promise<number>((resolve, reject) => {
    zk.aw_get_children(
      path,
      () => {},
      (rc, _e, children) => {
        if (rc !== Bare.OK) return reject(new Error(`get_children failed: ${rc}`));
        let pending = children.length;
        for (const name of children) {
          requests++;
          zk.a_get(`${path}/${name}`, false, (code, _err, _stat, data) => {
            if (code === Bare.OK && data) held.set(name, data);
            if (--pending === 0) resolve(performance.now());
          });
        }
      },
    );
  });
  const after = await settledHeap();
  if (held.size !== INSTANCES) throw new Error(`floor held ${held.size}/${INSTANCES}`);
  session.close();
  return {
    ms: done - started,
    heapPerInstance: (after.heapUsed - before.heapUsed) / INSTANCES,
    externalPerInstance: (after.external - before.external) / INSTANCES,
    requests,
  };
}
