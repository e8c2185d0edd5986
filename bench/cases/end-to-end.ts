import { type ChildProcess } from 'node:child_process';
import { startE2eProcess, stopProcess } from '../support/child-processes.js';
import { count, ms, ratio, table } from '../support/format.js';
import { LOAD, type LoadRun, medianRun, runLoadProcess } from '../support/load-runs.js';
import type { BenchCase } from './bench-case.js';
import { clientRows } from './end-to-end-clients.js';
import { grpcRows } from './end-to-end-grpc.js';

const { concurrency: CONCURRENCY, warmupMs: WARMUP_MS, durationMs: DURATION_MS, runs: RUNS } = LOAD;

/**
 * Requests/s and latency through a Nest gateway (sample/02-gateway: `@InjectEndpointer`, round
 * robin over three hello instances, `HttpEndpoint` on undici), against calling one hello instance
 * directly, and against the same gateway route taking the three instances in turn by hand, with a
 * bare `fetch` and with undici's `request` (no discovery, no retry): the difference between the
 * hand-written undici gateway and the discovery gateway is the library's own cost (issue 14's
 * reference). Each app is its own process.
 */
export const endToEnd: BenchCase = {
  name: 'end-to-end',
  title: '7. End to end',
  async run({ zk, log }) {
    const servers = zk.connectString;
    const children: ChildProcess[] = [];
    const start = (script: string, args: string[]) => startE2eProcess(script, args, children);
    try {
      log('starting three hello instances and three gateways (one process each)');
      const hellos = await Promise.all(
        ['hello-1', 'hello-2', 'hello-3'].map((name) => start('hello-process.js', [servers, name])),
      );
      const [discovery, fixed, byHand] = await Promise.all([
        start('gateway-process.js', [servers, 'discovery']),
        start('gateway-process.js', [servers, 'static', ...hellos]),
        start('gateway-process.js', [servers, 'undici', ...hellos]),
      ]);
      log('ready');
      const targets = [
        { label: 'one hello instance, directly', url: `${hellos[0]}/hello` },
        { label: 'gateway, bare `fetch` over three, in turn', url: `${fixed}/hello` },
        {
          label: "gateway, undici's `request` by hand over three, in turn",
          url: `${byHand}/hello`,
        },
        { label: 'gateway, `@InjectEndpointer` over three', url: `${discovery}/hello` },
      ];
      const runs = new Map<string, LoadRun[]>(targets.map((t) => [t.label, []]));
      for (let run = 1; run <= RUNS; run++) {
        for (const target of targets) {
          log(`run ${run}/${RUNS}: ${target.label}`);
          runs.get(target.label)!.push(await load(target.url));
        }
      }
      const direct = medianRun(runs.get(targets[0]!.label)!);
      const rows = targets.map((target) => {
        const s = medianRun(runs.get(target.label)!);
        return [
          target.label,
          count(s.rps),
          ms(s.p50),
          ms(s.p99),
          ratio(direct.rps / s.rps),
          ratio(s.p99 / direct.p99),
          String(s.errors),
        ];
      });
      const fixedSummary = medianRun(runs.get(targets[1]!.label)!);
      const byHandSummary = medianRun(runs.get(targets[2]!.label)!);
      const discoverySummary = medianRun(runs.get(targets[3]!.label)!);
      const clients = await clientRows({ servers, hellos, log, start });
      const grpc = await grpcRows({ servers, log, start });
      return [
        `A closed-loop load generator (its own Node process, ${CONCURRENCY} keep-alive ` +
          `connections, each sending its next request when the last answered) on 127.0.0.1; ` +
          `${RUNS} runs of ${DURATION_MS / 1000} s per target (after ${WARMUP_MS / 1000} s of ` +
          'warm-up each), interleaved; medians of the runs. Every app (three hello instances, ' +
          'three gateways, the load generator, ZooKeeper) is its own process, all on the same ' +
          'cores.',
        '',
        table(
          [
            'target',
            'requests/s',
            'p50 (ms)',
            'p99 (ms)',
            'throughput cost (direct ÷ this)',
            'p99 ÷ direct',
            'errors',
          ],
          rows,
        ),
        '',
        `The gateway with discovery against the same gateway on undici's \`request\` by hand: ` +
          `${ratio(discoverySummary.rps / byHandSummary.rps)} of its throughput (goal ≥ 0.95×), ` +
          `p99 ${ratio(discoverySummary.p99 / byHandSummary.p99)}; against the gateway with a ` +
          `bare \`fetch\`: ${ratio(discoverySummary.rps / fixedSummary.rps)} its throughput.`,
        '',
        clients,
        '',
        grpc,
      ].join('\n');
    } finally {
      for (const child of children.reverse()) await stopProcess(child);
    }
  },
};

/** One run of the HTTP load generator against `url`. */
function load(url: string): Promise<LoadRun> {
  return runLoadProcess('load-process.js', [url]);
}
