import type { ZkClient } from '../../lib/client/zk-client.js';
import type { ZkTransport } from '../../lib/client/zk-client.options.js';
import type { EndpointFactory } from '../../lib/sd/endpointer/endpoint-factory.js';
import { httpEndpointFactory } from '../../lib/sd/http/http-endpoint.factory.js';
import type { ServiceInstance } from '../../lib/sd/service-instance.js';
import { ZkEndpointer } from '../../lib/sd/zk-endpointer.js';
import { Bare, type BareCalls, BareZk } from '../support/bare-zk.js';
import { benchPath, registerFleet } from '../support/fleet.js';
import { bytes, count, medianP95, ratio, table } from '../support/format.js';
import { settledHeap } from '../support/heap.js';
import { connectClient, silent, TRANSPORTS } from '../support/lib-parts.js';
import { nthOrder } from '../support/order.js';
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

/** What a `ZkEndpointer` of a cold start makes of each instance. */
type Endpoints = 'http' | 'bare';

/**
 * Issue 7, item 3: a new endpointer on a path holding 10,000 instances: time until it holds them
 * all, requests sent, and heap per instance held; the library once per transport (issue 23);
 * against the floor (one get_children, then every get at once, the data kept in a Map).
 */
export const coldStart: BenchCase = {
  name: 'cold-start',
  title: '3. Cold start',
  async run({ zk, log }) {
    const filler = await BareZk.connect(zk.connectString);
    const path = benchPath('cold');
    await registerFleet(filler, path, INSTANCES);
    const factories: Record<Endpoints, EndpointFactory<unknown>> = {
      http: httpEndpointFactory(),
      bare: (instance: ServiceInstance) => ({ endpoint: instance }),
    };
    const key = (endpoints: Endpoints, transport: ZkTransport) => `${endpoints}/${transport}`;
    const results = new Map<string, ColdStart[]>();
    const floorRuns: ColdStart[] = [];
    const measure = async (run: number, endpoints: Endpoints, transport: ZkTransport) => {
      const result = await ours(zk.connectString, path, factories[endpoints], transport);
      if (run === 0) return;
      const runs = results.get(key(endpoints, transport)) ?? [];
      runs.push(result);
      results.set(key(endpoints, transport), runs);
    };
    try {
      for (let run = 0; run <= RUNS; run++) {
        log(`run ${run + 1}/${RUNS + 1}${run === 0 ? ' (warm-up, not recorded)' : ''}`);
        // The transports alternate which goes first; the floor runs between the two kinds.
        const transports = nthOrder(TRANSPORTS, run);
        for (const transport of transports) await measure(run, 'http', transport);
        const floor = await floorStart(zk.connectString, path);
        if (run > 0) floorRuns.push(floor);
        for (const transport of [...transports].reverse()) await measure(run, 'bare', transport);
      }
    } finally {
      filler.close();
    }
    const floorMedian = median(floorRuns.map((r) => r.ms));
    const [reference, ...others] = TRANSPORTS;
    /** `versus`: the reference's runs of the same kind; 'reference' for its own rows, '' for none. */
    const row = (label: string, runs: ColdStart[], versus: ColdStart[] | 'reference' | '') => {
      const time = summarize(runs.map((r) => r.ms));
      return [
        label,
        medianP95(time),
        ratio(time.median / floorMedian),
        typeof versus === 'string' ? versus : ratio(time.median / median(versus.map((r) => r.ms))),
        count(median(runs.map((r) => r.requests))),
        bytes(median(runs.map((r) => r.heapPerInstance))),
        bytes(median(runs.map((r) => r.externalPerInstance))),
      ];
    };
    const labels: Record<Endpoints, string> = {
      http: '`ZkEndpointer`, default HTTP endpoints',
      bare: '`ZkEndpointer`, endpoint = the instance',
    };
    const rows: string[][] = [];
    for (const endpoints of ['http', 'bare'] as const) {
      for (const transport of TRANSPORTS) {
        rows.push(
          row(
            `${labels[endpoints]}, ${transport}`,
            results.get(key(endpoints, transport))!,
            transport === reference ? 'reference' : results.get(key(endpoints, reference!))!,
          ),
        );
      }
    }
    rows.push(row('floor: names and data in a `Map`', floorRuns, ''));
    return [
      `A new session and a new endpointer on a path holding ${count(INSTANCES)} instances, the ` +
        `library once per transport (${TRANSPORTS.join(', ')}); ` +
        `${RUNS} runs of each (after one unrecorded), interleaved, the transports alternating ` +
        'which goes first. Time from creating the ' +
        'endpointer to holding every instance. Memory: `heapUsed` and `external` after a full GC ' +
        '(`--expose-gc`), minus the same before the endpointer was created, per instance held.',
      '',
      table(
        [
          '',
          'time to hold all, p50 / p95 (ms)',
          'vs floor',
          `${others.join(', ')}/${reference}`,
          'requests',
          'heap per instance',
          'external per instance',
        ],
        rows,
      ),
    ].join('\n');
  },
};

async function ours(
  servers: string,
  path: string,
  factory: EndpointFactory<unknown>,
  transport: ZkTransport,
): Promise<ColdStart> {
  const client: ZkClient = await connectClient(servers, transport);
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
