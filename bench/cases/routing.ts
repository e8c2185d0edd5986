import type { ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import type { ZkClient } from '../../lib/client/zk-client.js';
import type { HttpEndpoint } from '../../lib/sd/http/http-endpoint.factory.js';
import { keyAffinity } from '../../lib/sd/lb/key-affinity.balancer.js';
import { Registrar } from '../../lib/sd/registrar/registrar.js';
import type { ZkEndpointer, ZkEndpointerConfig } from '../../lib/sd/zk-endpointer.js';
import { startE2eProcess, stopProcess } from '../support/child-processes.js';
import { benchPath } from '../support/fleet.js';
import { count, ms, ratio, table, verdict } from '../support/format.js';
import { connectClient, watchEndpointer } from '../support/lib-parts.js';
import { quantile } from '../support/stats.js';
import type { BenchCase } from './bench-case.js';

const FROZEN_RATE = 100;
const FROZEN_SECONDS = 20;
const SLOW_MS = 50;
const SLOW_CALLERS = 8;
const SLOW_SECONDS = 5;
const SLOW_ROUNDS = 2;
const KEYS = 100_000;

type Config = Omit<ZkEndpointerConfig<HttpEndpoint>, 'factory' | 'logger'>;

/** Three HTTP instances (processes of their own) registered under a fresh path, and an endpointer. */
async function fleet(client: ZkClient, delays: readonly number[], config: Config) {
  const children: ChildProcess[] = [];
  const path = benchPath('routing');
  const urls: string[] = [];
  for (const delayMs of delays) {
    const url = await startE2eProcess('http-instance-process.js', [String(delayMs)], children);
    await new Registrar(client, { path, name: 'svc', data: url }).register();
    urls.push(url);
  }
  const { endpointer } = await watchEndpointer(
    client,
    `${path}/svc`,
    delays.length,
    10_000,
    config,
  );
  const close = async () => {
    await endpointer.close();
    for (const child of children) await stopProcess(child);
  };
  return { endpointer, urls, children, close };
}

/** One call through the endpointer; how long it took and whether an attempt went to `watched`. */
async function timedCall(endpointer: ZkEndpointer<HttpEndpoint>, watched: string) {
  let touched = false;
  try {
    await endpointer.call((endpoint, { signal }) => {
      if (endpoint.url === watched) touched = true;
      return endpoint.json('/hello', { signal });
    });
    return { touched, failed: false };
  } catch {
    return { touched, failed: true };
  }
}

/** Issue 15: a frozen instance under open-loop load, before and after outlier ejection. */
async function frozenRows(client: ZkClient, log: (line: string) => void): Promise<string[][]> {
  const configs: { label: string; config: Config }[] = [
    { label: 'round robin, outlier ejection off (before)', config: { outlierDetection: false } },
    { label: 'round robin, outlier ejection (the default)', config: {} },
    { label: 'least loaded, outlier ejection', config: { balancer: 'leastLoaded' } },
  ];
  const rows: string[][] = [];
  for (const { label, config } of configs) {
    log(`frozen instance: ${label}`);
    const { endpointer, urls, children, close } = await fleet(client, [0, 0, 0], config);
    try {
      children[1]!.kill('SIGSTOP');
      const latencies: number[] = [];
      let failed = 0;
      let touched = 0;
      const started = performance.now();
      const calls: Promise<void>[] = [];
      const total = FROZEN_RATE * FROZEN_SECONDS;
      for (let i = 0; i < total; i++) {
        // Open loop: each call starts at its own time, whatever the others do; its latency runs
        // from that time (a late start counts).
        const due = started + (i * 1000) / FROZEN_RATE;
        const wait = due - performance.now();
        if (wait > 1) await delay(wait);
        // A call started up to 1 ms early (a timer is not worth less) is timed from its start.
        const from = Math.min(due, performance.now());
        calls.push(
          timedCall(endpointer, urls[1]!).then((outcome) => {
            latencies.push(performance.now() - from);
            if (outcome.failed) failed++;
            if (outcome.touched) touched++;
          }),
        );
      }
      await Promise.all(calls);
      const sorted = latencies.sort((a, b) => a - b);
      const slow = sorted.filter((latency) => latency > 1000).length;
      rows.push([
        label,
        count(total),
        String(touched),
        `${((100 * slow) / total).toFixed(1)}%`,
        ms(quantile(sorted, 0.5)),
        ms(quantile(sorted, 0.99)),
        ms(sorted[sorted.length - 1]!),
        String(failed),
      ]);
    } finally {
      await close();
    }
  }
  return rows;
}

/** Issue 15: one instance 50 ms slower, closed loop, round robin against least loaded. */
async function slowRows(client: ZkClient, log: (line: string) => void) {
  const balancers = ['roundRobin', 'leastLoaded'] as const;
  const latencies = new Map<string, number[]>(balancers.map((b) => [b, []]));
  const shares = new Map<string, number[]>(balancers.map((b) => [b, []]));
  for (let round = 1; round <= SLOW_ROUNDS; round++) {
    for (const balancer of balancers) {
      log(`slow instance: ${balancer}, round ${round}/${SLOW_ROUNDS}`);
      const { endpointer, urls, close } = await fleet(client, [0, 0, SLOW_MS], { balancer });
      try {
        let calls = 0;
        let toSlow = 0;
        const end = performance.now() + SLOW_SECONDS * 1000;
        const caller = async () => {
          while (performance.now() < end) {
            const began = performance.now();
            const outcome = await timedCall(endpointer, urls[2]!);
            latencies.get(balancer)!.push(performance.now() - began);
            calls++;
            if (outcome.touched) toSlow++;
          }
        };
        await Promise.all(Array.from({ length: SLOW_CALLERS }, caller));
        shares.get(balancer)!.push(toSlow / calls);
      } finally {
        await close();
      }
    }
  }
  const stats = (balancer: string) => {
    const sorted = [...latencies.get(balancer)!].sort((a, b) => a - b);
    const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
    const share = shares.get(balancer)!.reduce((sum, value) => sum + value, 0) / SLOW_ROUNDS;
    return {
      n: sorted.length,
      mean,
      p50: quantile(sorted, 0.5),
      p99: quantile(sorted, 0.99),
      share,
    };
  };
  const rr = stats('roundRobin');
  const ll = stats('leastLoaded');
  const rows = [
    ['round robin', rr],
    ['least loaded', ll],
  ].map(([label, s]) => {
    const summary = s as ReturnType<typeof stats>;
    return [
      label as string,
      count(summary.n),
      `${(100 * summary.share).toFixed(1)}%`,
      ms(summary.mean),
      ms(summary.p50),
      ms(summary.p99),
    ];
  });
  return { rows, rr, ll };
}

/** Issue 15: keys moved by rendezvous hashing when one of ten instances leaves or one joins. */
function affinityRows(): string[][] {
  const ids = Array.from(
    { length: 10 },
    (_, i) => `_c_${String(i).padStart(32, '0')}-00000000${10 + i}`,
  );
  let endpoints: readonly string[] = ids;
  const affinity = keyAffinity({ endpoints: () => endpoints }, (endpoint) => endpoint);
  const keys = Array.from({ length: KEYS }, (_, i) => `user-${i}`);
  const assign = () => keys.map((key) => affinity.pickFor(key));
  const before = assign();
  endpoints = ids.filter((_, i) => i !== 4);
  const afterLeave = assign();
  endpoints = [...ids, '_c_ffffffffffffffffffffffffffffffff-0000000099'];
  const afterJoin = assign();
  const moved = (after: string[]) => after.filter((id, i) => id !== before[i]).length / KEYS;
  return [
    ['one of 10 leaves', `${(100 * moved(afterLeave)).toFixed(2)}%`, `${(100 / 10).toFixed(2)}%`],
    ['an 11th joins', `${(100 * moved(afterJoin)).toFixed(2)}%`, `${(100 / 11).toFixed(2)}%`],
  ];
}

export const routing: BenchCase = {
  name: 'routing',
  title: '9. Calls that route around trouble',
  async run({ zk, log }) {
    const client = await connectClient(zk.connectString);
    try {
      const frozen = await frozenRows(client, log);
      const slow = await slowRows(client, log);
      const affinity = affinityRows();
      const p99Ratio = slow.rr.p99 / slow.ll.p99;
      return [
        `**A frozen instance.** Three HTTP instances (processes of their own), one stopped with ` +
          `SIGSTOP (its ZooKeeper session lives on: it stays registered); ${FROZEN_RATE} calls/s ` +
          `for ${FROZEN_SECONDS} s, open loop (each call starts on time whatever the others do), ` +
          'through `ZkEndpointer.call()` with the default HTTP endpoint (5 s timeout) and retry; ' +
          'latency from the time each call was due.',
        '',
        table(
          [
            'endpointer',
            'calls',
            'calls that waited on the frozen instance',
            'slower than 1 s',
            'p50 (ms)',
            'p99 (ms)',
            'max (ms)',
            'failed',
          ],
          frozen,
        ),
        '',
        `**A slow instance.** Three instances, one answering ${SLOW_MS} ms late; ${SLOW_CALLERS} ` +
          `callers in a closed loop for ${SLOW_SECONDS} s, ${SLOW_ROUNDS} rounds per balancer, ` +
          'interleaved, each on a fresh fleet.',
        '',
        table(
          ['balancer', 'calls', 'to the slow instance', 'mean (ms)', 'p50 (ms)', 'p99 (ms)'],
          slow.rows,
        ),
        '',
        `p99, round robin ÷ least loaded: ${ratio(p99Ratio)} (goal ≥ 3×: ${verdict(p99Ratio >= 3)}).`,
        '',
        `**Key affinity.** ${count(KEYS)} keys over 10 instances (rendezvous hashing): the share of ` +
          'keys that changed instance.',
        '',
        table(['change', 'keys moved', 'the ideal (1/n)'], affinity),
      ].join('\n');
    } finally {
      await client.close();
    }
  },
};
